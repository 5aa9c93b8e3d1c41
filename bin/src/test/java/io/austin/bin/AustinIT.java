package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.StackEvent;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** The {@code austin} command against real interpreters: through the Cli factory, and through the launcher. */
class AustinIT {
    private static final List<String> VERSIONS = List.of("3.8.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1",
            "3.13.0");
    private static final Path TARGET = io.austin.formats.Fixtures.target("shares.py")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private static ToolRun austin(String... args) {
        return ToolRun.of("austin", args);
    }

    private static Path python(String version) {
        return Paths.get("/root/.pyenv/versions", version, "bin", "python3");
    }

    private static Path anyPython() {
        return io.austin.sampler.Pythons.any().path();
    }

    @TestFactory
    Stream<DynamicTest> binaryOutputDecodesToTheTextOfTheSameRun() {
        return VERSIONS.stream().map(v -> DynamicTest.dynamicTest(v, () -> {
            io.austin.sampler.Pythons.get(v);
            Path mojo = tmp.resolve(v + ".mojo");
            ToolRun r = austin("-b", "-P", "-i", "1ms", "-o", mojo.toString(), python(v).toString(), "-S",
                    TARGET.toString(), "1");
            assertEquals(0, r.status(), r.err());
            assertEquals("", r.err(), "pipe mode is silent on stderr");
            byte[] bytes = Files.readAllBytes(mojo);
            assertEquals("MOJ", new String(bytes, 0, 3, StandardCharsets.US_ASCII));
            assertEquals(3, bytes[3]);
            List<StackEvent> events = StackEvents.read(mojo).collectList().block(Duration.ofSeconds(30));
            String text = text(events);
            assertTrue(text.startsWith("# austin: 3.7.0\n# interval: 1000\n# mode: wall\n# python: 3." ), text);
            assertTrue(text.contains(";" + TARGET + ":ünïcode_hot:"), "the non-ASCII name is read");
            assertTrue(text.matches("(?s).*\n# sampling: \\d+,\\d+,\\d+\n# saturation: \\d+/\\d+\n"
                    + "# errors: \\d+/\\d+\n\n$"), text.substring(Math.max(0, text.length() - 300)));
            // The text rendering of the decoded MOJO parses back to the same events as a text run would give.
            List<StackEvent> again = StackEvents.read(() -> new ByteArrayInputStream(
                    text.getBytes(StandardCharsets.UTF_8))).collectList().block();
            assertEquals(text, text(again));
        }));
    }

    private static String text(List<StackEvent> events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Flux.fromIterable(events).transform(StackEvents.samples())
                .as(StackEvents.writeText(out, CollapsedWriter.Layout.AUSTIN)).block();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textRunWritesHeaderSamplesFooterAndStatistics() throws IOException {
        Path out = tmp.resolve("out.txt");
        ToolRun r = austin("-i", "1ms", "-o", out.toString(), anyPython().toString(), "-S", TARGET.toString(), "1");
        assertEquals(0, r.status(), r.err());
        String text = Files.readString(out);
        assertTrue(text.startsWith("# austin: 3.7.0\n# interval: 1000\n# mode: wall\n\nP"), text);
        assertTrue(text.matches("(?s).*\n\n# duration: \\d+\n\n$"));
        assertTrue(r.err().contains("Python version: 3."), r.err());
        assertTrue(r.err().contains("Statistics"), r.err());
        assertTrue(r.err().contains("Error rate"), r.err());
    }

    @Test
    void attachesWithPidAndStopsAfterTheExposure() throws Exception {
        Process p = new ProcessBuilder(anyPython().toString(), "-S", TARGET.toString(), "30").start();
        try {
            assertTrue(new String(p.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
            Path out = tmp.resolve("attach.txt");
            long t0 = System.nanoTime();
            ToolRun r = austin("-x", "1", "-i", "1ms", "-o", out.toString(), "-p", Long.toString(p.pid()));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, r.status(), r.err());
            assertTrue(ms >= 900 && ms < 10_000, "ran for " + ms + " ms");
            assertTrue(r.err().contains("Sampling for 1 second"), r.err());
            assertTrue(Files.readString(out).contains("P" + p.pid() + ";T0:" + p.pid() + ";"));
            assertTrue(p.isAlive(), "an attached process is left running");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void errorsGiveAustinsStatusesAndOneLine() {
        String py = anyPython().toString();
        ToolRun bad = austin("-i", "5m", py, "-c", "pass");
        assertEquals(64, bad.status());
        assertTrue(bad.err().startsWith("austin: invalid unit in '5m'"), bad.err());
        assertEquals(64, austin("-p", "12x").status());
        assertEquals(64, austin("-p", "1", py).status());
        assertEquals(64, austin("--no-such-option", py).status());
        assertEquals(255, austin("-i", "1ms").status());
        ToolRun noFile = austin("-o", tmp.resolve("missing/dir/out").toString(), py, "-c", "pass");
        assertEquals(255, noFile.status());
        assertTrue(noFile.err().contains("cannot create the output file"), noFile.err());
        ToolRun notPython = austin("-t", "300ms", "/bin/sleep", "3");
        assertEquals(32, notPython.status(), notPython.err());
        assertTrue(notPython.err().contains("not a Python process"), notPython.err());
        assertEquals(33, austin("/nonexistent/command").status());
        ToolRun gone = austin("-p", "999999");
        assertEquals(36, gone.status());
        assertTrue(gone.err().contains("Cannot attach to the given process"), gone.err());
        for (ToolRun r : List.of(bad, noFile, notPython)) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void helpVersionUsageAndNoArguments() {
        ToolRun none = austin();
        assertEquals(0, none.status());
        assertTrue(none.out().contains("Usage: austin"), none.out());
        ToolRun help = austin("-?");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--interval"), help.out());
        assertTrue(help.out().contains("Exit status"), help.out());
        assertEquals(0, austin("--help").status());
        ToolRun version = austin("-V");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("austin "), version.out());
        ToolRun usage = austin("--usage");
        assertEquals(0, usage.status());
        assertTrue(usage.out().startsWith("Usage: austin [-"), usage.out());
    }

    /** SIGINT and SIGTERM to the launcher's JVM: footer written, output flushed, Austin's statuses. */
    @TestFactory
    Stream<DynamicTest> signalsStopWithAFooter() {
        return Stream.of(new String[] {"INT", "254"}, new String[] {"TERM", "241"}).map(s ->
                DynamicTest.dynamicTest("SIG" + s[0], () -> {
                    Path jar = Paths.get("target/austin.jar");
                    assumeTrue(Files.isRegularFile(jar), "the shaded jar is built by 'package'");
                    Path out = tmp.resolve("sig" + s[0] + ".txt");
                    List<String> cmd = new ArrayList<>(List.of(Paths.get("austin").toAbsolutePath().toString(),
                            "-i", "1ms", "-o", out.toString(), anyPython().toString(), "-S", TARGET.toString(),
                            "60"));
                    Process austin = new ProcessBuilder(cmd).redirectErrorStream(true)
                            .redirectOutput(tmp.resolve("sig" + s[0] + ".log").toFile()).start();
                    try {
                        long deadline = System.nanoTime() + 20_000_000_000L;
                        while (System.nanoTime() < deadline && (!Files.exists(out) || Files.size(out) < 20_000)) {
                            Thread.sleep(50);
                        }
                        List<ProcessHandle> children = austin.toHandle().children().toList();
                        new ProcessBuilder("kill", "-" + s[0], Long.toString(austin.pid())).start().waitFor();
                        assertTrue(austin.waitFor(20, TimeUnit.SECONDS), "austin did not stop");
                        assertEquals(Integer.parseInt(s[1]), austin.exitValue(),
                                Files.readString(tmp.resolve("sig" + s[0] + ".log")));
                        String text = Files.readString(out);
                        assertTrue(text.matches("(?s)# austin: 3.7.0\n.*\n\n# duration: \\d+\n\n$"),
                                text.substring(Math.max(0, text.length() - 200)));
                        Thread.sleep(100);
                        assertTrue(children.stream().noneMatch(ProcessHandle::isAlive), "the target was stopped too");
                    } finally {
                        austin.destroyForcibly().waitFor();
                    }
                }));
    }
}
