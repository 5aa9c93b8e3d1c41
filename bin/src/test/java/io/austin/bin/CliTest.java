package io.austin.bin;

import io.austin.formats.Fixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.converters.pprof.proto.Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every tool run through the {@link Cli} factory with captured streams. */
class CliTest {
    private static final java.util.List<String> CONVERTERS = java.util.List.of("mojo2austin", "austin2speedscope",
            "austin2pprof");

    @TempDir
    Path tmp;

    /** One run's exit status and captured streams. */
    private record Result(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static Result run(byte[] stdin, String tool, String... args) {
        return run(stdin, new ByteArrayOutputStream(), tool, args);
    }

    private static Result run(byte[] stdin, ByteArrayOutputStream out, String tool, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(tool, new Cli.Streams(new ByteArrayInputStream(stdin), out, err), args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static Result run(String tool, String... args) {
        return run(new byte[0], tool, args);
    }

    private static Path fixture(String name) {
        return Fixtures.root().resolve(name);
    }

    private static void assertOneLine(String err) {
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void convertsFilesAndReproducesTheReferenceWithCompat() throws IOException {
        Path mojo = fixture("v3/two_threads.full.py311.mojo");
        Path text = tmp.resolve("two_threads.full.py311.austin");
        assertEquals(0, run("mojo2austin", "--compat", mojo.toString(), text.toString()).code());
        assertArrayEquals(Fixtures.bytes(fixture("v3/two_threads.full.py311.austin")), Files.readAllBytes(text));

        Path json = tmp.resolve("x.json");
        Result r = run("austin2speedscope", "--compat", text.toString(), json.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertArrayEquals(Fixtures.bytes(fixture("v3/two_threads.full.py311.speedscope.json")),
                Files.readAllBytes(json));

        Path pprof = tmp.resolve("x.pprof");
        assertEquals(0, run("austin2pprof", "--compat", mojo.toString(), pprof.toString()).code());
        assertArrayEquals(Fixtures.bytes(fixture("v3/two_threads.full.py311.pprof")), Files.readAllBytes(pprof));
    }

    @Test
    void compatTakesAnOptionalVersion() throws IOException {
        Path mojo = fixture("v4/repeat.mojo");
        Result eq = run("mojo2austin", "--compat=2.2", mojo.toString(), "-");
        assertEquals(0, eq.code(), eq.err());
        assertArrayEquals(Fixtures.bytes(fixture("v4/repeat.austin")), eq.out());
        Result spaced = run("austin2pprof", "--compat", "2.2", mojo.toString(), "-");
        assertEquals(0, spaced.code(), spaced.err());
        assertArrayEquals(Fixtures.bytes(fixture("v4/repeat.pprof")), spaced.out());
        // A bare --compat before INPUT means 1.7 and leaves INPUT alone.
        Result bare = run("austin2pprof", "--compat", fixture("v3/sleeper.cpu.py311.austin").toString(), "-");
        assertEquals(0, bare.code(), bare.err());
        assertArrayEquals(Fixtures.bytes(fixture("v3/sleeper.cpu.py311.pprof")), bare.out());
        Result bad = run("austin2pprof", "--compat=3.0", mojo.toString(), "-");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().startsWith("austin2pprof: unsupported --compat version '3.0' (use 1.7 or 2.2)\n"),
                bad.err());
    }

    @Test
    void defaultModeKeepsTheFirstSample() throws IOException {
        Path pprof = tmp.resolve("x.pprof");
        assertEquals(0, run("austin2pprof", fixture("v3/two_threads.full.py311.mojo").toString(),
                pprof.toString()).code());
        assertEquals(157, Profile.parseFrom(Files.readAllBytes(pprof)).getSampleCount());
    }

    @Test
    void dashMeansStandardInputAndOutput() {
        byte[] mojo = Fixtures.bytes(fixture("v3/sleeper.cpu.py311.mojo"));
        Result r = run(mojo, "mojo2austin", "-", "-");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Fixtures.bytes(fixture("v3/sleeper.cpu.py311.austin")), r.out());

        Result s = run(Fixtures.bytes(fixture("v3/sleeper.cpu.py311.austin")), "austin2speedscope", "--compat", "-",
                "-");
        assertEquals(0, s.code(), s.err());
        String reference = new String(Fixtures.bytes(fixture("v3/sleeper.cpu.py311.speedscope.json")),
                StandardCharsets.UTF_8);
        // Standard input has no file name: the document is named "stdin".
        assertEquals(reference.replace("\"name\": \"sleeper.cpu.py311.austin\"", "\"name\": \"stdin\""),
                s.outText());
    }

    @Test
    void indentAndGzipOptions() throws IOException {
        String in = fixture("synthetic/edge_wall.v3.austin").toString();
        Result r = run("austin2speedscope", "--compat", "--indent", "2", in, "-");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.outText().startsWith("{\n  \"$schema\": "), r.outText());
        Result z = run("austin2pprof", "--gzip", in, "-");
        assertEquals(0, z.code(), z.err());
        assertEquals(0x1f, z.out()[0] & 0xFF);
    }

    @Test
    void missingInput() {
        Result r = run("austin2pprof", tmp.resolve("nope.mojo").toString(), tmp.resolve("out").toString());
        assertEquals(ExitCodes.NO_INPUT, r.code());
        assertEquals("austin2pprof: no such input file: " + tmp.resolve("nope.mojo") + "\n", r.err());
        assertFalse(Files.exists(tmp.resolve("out")), "no output for a missing input");
    }

    /** An empty file or an empty standard input is an error (65), not an empty profile; no output is created. */
    @Test
    void emptyInput() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.mojo"));
        for (String tool : List.of("mojo2austin", "austin2speedscope", "austin2pprof")) {
            Result r = run(tool, empty.toString(), tmp.resolve("out").toString());
            assertEquals(ExitCodes.CORRUPT_INPUT, r.code(), tool);
            assertEquals(tool + ": empty input: '" + empty + "' has no data (neither MOJO nor Austin text)\n",
                    r.err());
            assertFalse(Files.exists(tmp.resolve("out")), "no output for an empty input");
            Result stdin = run(new byte[0], tool, "-", "-");
            assertEquals(ExitCodes.CORRUPT_INPUT, stdin.code(), tool);
            assertEquals(tool + ": empty input: standard input has no data (neither MOJO nor Austin text)\n",
                    stdin.err());
            assertEquals(0, stdin.out().length);
        }
    }

    /** A FIFO is read until its writer closes it, like a file: the same output. */
    @Test
    void fifoInput() throws Exception {
        Path fifo = tmp.resolve("in.fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        byte[] mojo = Fixtures.bytes(fixture("v3/two_threads.wall.py311.mojo"));
        Thread writer = new Thread(() -> {
            try (java.io.OutputStream out = Files.newOutputStream(fifo)) {
                for (int i = 0; i < mojo.length; i += 4096) { // in pieces, as a profiler writes
                    out.write(mojo, i, Math.min(4096, mojo.length - i));
                    out.flush();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        Result r = run("mojo2austin", "--compat", fifo.toString(), tmp.resolve("out.austin").toString());
        writer.join();
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Fixtures.bytes(fixture("v3/two_threads.wall.py311.austin")),
                Files.readAllBytes(tmp.resolve("out.austin")));
    }

    /**
     * A profile still being written: each conversion reads up to the end the file has at that moment. It either
     * succeeds (the end fell between events) or fails with 65 naming the offset, and in both cases what it wrote is
     * the start of the finished file's conversion. Once the writer is done, the same command gives the whole output.
     */
    @Test
    void fileGrowingWhileRead() throws Exception {
        byte[] mojo = Fixtures.bytes(fixture("v3/two_threads.wall.py311.mojo"));
        byte[] whole = Fixtures.bytes(fixture("v3/two_threads.wall.py311.austin"));
        Path growing = tmp.resolve("growing.mojo");
        Files.write(growing, new byte[0]);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(growing, java.nio.file.StandardOpenOption.APPEND)) {
                for (int i = 0; i < mojo.length; i += 311) { // odd pieces: most ends cut an event
                    out.write(mojo, i, Math.min(311, mojo.length - i));
                    out.flush();
                    started.countDown();
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        started.await();
        int runs = 0;
        int cut = 0;
        Path out = tmp.resolve("out.austin");
        while (writer.isAlive() || runs == 0) {
            Result r = run("mojo2austin", "--compat", growing.toString(), out.toString());
            runs++;
            byte[] written = Files.readAllBytes(out);
            assertTrue(written.length <= whole.length
                    && Arrays.equals(written, Arrays.copyOf(whole, written.length)),
                    "what a partial read writes is the start of the whole conversion");
            if (r.code() != 0) {
                cut++;
                assertEquals(ExitCodes.CORRUPT_INPUT, r.code(), r.err());
                assertOneLine(r.err());
                assertTrue(r.err().matches("mojo2austin: corrupt input '.*': truncated MOJO: .*at byte \\d+.*\n"),
                        r.err());
            }
        }
        writer.join();
        System.out.printf("growing file: %d conversions while it grew, %d ended in a cut event%n", runs, cut);
        Result r = run("mojo2austin", "--compat", growing.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(whole, Files.readAllBytes(out));
    }

    @Test
    void unreadableInput() throws IOException {
        Result dir = run("mojo2austin", tmp.toString(), tmp.resolve("out").toString());
        assertEquals(ExitCodes.NO_INPUT, dir.code());
        assertEquals("mojo2austin: cannot read input '" + tmp + "': is a directory\n", dir.err());

        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        Path locked = Files.copy(fixture("v3/sleeper.cpu.py311.mojo"), tmp.resolve("locked.mojo"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Result r = run("mojo2austin", locked.toString(), tmp.resolve("out").toString());
        assertEquals(ExitCodes.NO_INPUT, r.code());
        assertOneLine(r.err());
        assertTrue(r.err().contains("permission denied"), r.err());
    }

    @Test
    void corruptMojoNamesTheByteOffset() throws IOException {
        byte[] mojo = Fixtures.bytes(fixture("v3/sleeper.cpu.py311.mojo"));
        Path cut = tmp.resolve("cut.mojo");
        Files.write(cut, Arrays.copyOf(mojo, 100));
        for (String tool : CONVERTERS) {
            Result r = run(tool, cut.toString(), tmp.resolve(tool + ".out").toString());
            assertEquals(ExitCodes.CORRUPT_INPUT, r.code(), tool);
            assertOneLine(r.err());
            assertTrue(r.err().startsWith(tool + ": corrupt input '" + cut + "': truncated MOJO: "), r.err());
            assertTrue(r.err().matches("(?s).*at byte \\d+.*"), r.err());
        }
        byte[] bad = mojo.clone();
        bad[3] = 9;
        Files.write(cut, bad);
        Result r = run("austin2speedscope", cut.toString(), tmp.resolve("x").toString());
        assertEquals(ExitCodes.CORRUPT_INPUT, r.code());
        assertEquals("austin2speedscope: corrupt input '" + cut + "': unsupported MOJO version 9 at byte 3"
                + " (this reader knows 1 to 4)\n", r.err());
    }

    @Test
    void corruptTextNamesTheLine() {
        byte[] text = "# austin: 3.7.0\n# mode: wall\n\nP1;T0:1;a.py:f:1 10\nP1;T0:1;a.py:f:x 10\n"
                .getBytes(StandardCharsets.UTF_8);
        for (String tool : CONVERTERS) {
            Result r = run(text, tool, "-", "-");
            assertEquals(ExitCodes.CORRUPT_INPUT, r.code(), tool);
            assertEquals(tool + ": corrupt input standard input: line 5: frame 'a.py:f:x' has a bad line number\n",
                    r.err());
        }
        // The reference reader skips the line instead; so does --compat.
        assertEquals(0, run(text, "austin2pprof", "--compat", "-", "-").code());
    }

    @Test
    void outputAlreadyWrittenIsFlushedWhenTheInputTurnsOutCorrupt() throws IOException {
        byte[] mojo = Fixtures.bytes(fixture("v3/two_threads.wall.py311.mojo"));
        Path cut = tmp.resolve("cut.mojo");
        Files.write(cut, Arrays.copyOf(mojo, mojo.length - 7));
        Path out = tmp.resolve("out.austin");
        Result r = run("mojo2austin", cut.toString(), out.toString());
        assertEquals(ExitCodes.CORRUPT_INPUT, r.code());
        String text = Files.readString(out);
        String reference = new String(Fixtures.bytes(fixture("v3/two_threads.wall.py311.austin")),
                StandardCharsets.UTF_8);
        assertTrue(text.length() > 1000 && reference.startsWith(text), "a prefix of the full text was written");
    }

    @Test
    void unwritableOutput() {
        String in = fixture("v3/sleeper.cpu.py311.mojo").toString();
        Result r = run("austin2speedscope", in, tmp.resolve("no/such/dir/x.json").toString());
        assertEquals(ExitCodes.CANNOT_CREATE_OUTPUT, r.code());
        assertEquals("austin2speedscope: cannot create output '" + tmp.resolve("no/such/dir/x.json")
                + "': no such file or directory\n", r.err());
        Result d = run("austin2pprof", in, tmp.toString());
        assertEquals(ExitCodes.CANNOT_CREATE_OUTPUT, d.code());
        assertOneLine(d.err());
    }

    @Test
    void failingWriteMidway() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run("mojo2austin", new Cli.Streams(new ByteArrayInputStream(
                Fixtures.bytes(fixture("v3/two_threads.wall.py311.mojo"))), broken, err), "-", "-");
        assertEquals(ExitCodes.IO_ERROR, code);
        assertEquals("mojo2austin: cannot write output standard output: Broken pipe\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void failingReadMidway() {
        byte[] mojo = Fixtures.bytes(fixture("v3/two_threads.wall.py311.mojo"));
        java.io.InputStream failing = new java.io.InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served >= 1000) {
                    throw new IOException("Input/output error");
                }
                int n = Math.min(len, 1000 - served);
                System.arraycopy(mojo, served, b, off, n);
                served += n;
                return n;
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run("austin2speedscope", new Cli.Streams(failing, new ByteArrayOutputStream(), err), "-",
                "-");
        assertEquals(ExitCodes.IO_ERROR, code);
        assertEquals("austin2speedscope: cannot read input standard input: Input/output error\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sameFileForInputAndOutputIsRefused() throws IOException {
        Path copy = Files.copy(fixture("v3/sleeper.cpu.py311.austin"), tmp.resolve("x.austin"));
        Result r = run("austin2pprof", copy.toString(), copy.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertArrayEquals(Fixtures.bytes(fixture("v3/sleeper.cpu.py311.austin")), Files.readAllBytes(copy));
    }

    @Test
    void debugPrintsTheStackTrace() throws IOException {
        Path cut = tmp.resolve("cut.mojo");
        Files.write(cut, Arrays.copyOf(Fixtures.bytes(fixture("v3/sleeper.cpu.py311.mojo")), 100));
        Result r = run("austin2pprof", "--debug", cut.toString(), tmp.resolve("x").toString());
        assertEquals(ExitCodes.CORRUPT_INPUT, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void usageHelpAndVersion() {
        Result none = run("austin2pprof");
        assertEquals(ExitCodes.USAGE, none.code());
        assertTrue(none.err().startsWith("austin2pprof: Missing required parameters: 'INPUT', 'OUTPUT'"),
                none.err());
        Result help = run("austin2speedscope", "--help");
        assertEquals(0, help.code());
        assertTrue(help.outText().contains("Usage: austin2speedscope") && help.outText().contains("--indent"));
        Result version = run("mojo2austin", "--version");
        assertEquals(0, version.code());
        assertTrue(version.outText().matches("mojo2austin \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version.outText());
    }

    /** -V and --version skip building the option model; they print what picocli's version help prints. */
    @Test
    void theQuickVersionIsPicoclisVersionHelp() {
        for (String tool : Cli.tools()) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            Cli.Streams s = new Cli.Streams(new ByteArrayInputStream(new byte[0]), expected,
                    new ByteArrayOutputStream());
            picocli.CommandLine cl = Cli.commandLine(tool, s);
            cl.printVersionHelp(cl.getOut());
            cl.getOut().flush();
            for (String option : new String[] {"-V", "--version"}) {
                Result r = run(tool, option);
                assertEquals(0, r.code());
                assertEquals(expected.toString(StandardCharsets.UTF_8), r.outText(), tool + " " + option);
                assertEquals("", r.err());
            }
        }
    }

    @Test
    void mainDispatchesOnTheFirstArgument() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli.Streams s = new Cli.Streams(new ByteArrayInputStream(new byte[0]), out, err);
        assertEquals(0, Main.run(new String[] {"austin2pprof", "--version"}, s));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("austin2pprof "));
        assertEquals(ExitCodes.USAGE, Main.run(new String[] {"nope"}, s));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("tools: austin, austin4, mojo2austin, austin2speedscope"));
    }
}
