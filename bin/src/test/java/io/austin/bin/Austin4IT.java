package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.StackEvents;
import io.austin.sampler.Personality;
import io.austin.sampler.Pythons;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * austin as Austin 4 ({@code bin/austin4/austin}), driven as its front-ends drive Austin 4: austin-python 2.x
 * ({@code -P} first, then the user's arguments; MOJO read incrementally from the pipe while the target runs; the
 * version taken from the {@code austin} metadata; stopped with SIGTERM) and the VS Code extension ({@code --version}
 * parsed; {@code -i N --pipe [-c|-m] [-C] [-g]} then {@code -p PID} or a command). Real launcher, real pipes, real
 * Python processes.
 */
class Austin4IT {
    private static final Path LAUNCHER = Paths.get("austin4", "austin").toAbsolutePath();
    private static final Path SHARES = Pythons.target("shares.py").toAbsolutePath();

    @TempDir
    Path tmp;

    /** A running austin4 whose standard output is decoded as it arrives, each event with its arrival time. */
    private static final class Reading {
        final Process process;
        final List<ProfileEvent> events = Collections.synchronizedList(new ArrayList<>());
        final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread reader;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Thread errReader;

        Reading(List<String> command) throws Exception {
            assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
            process = new ProcessBuilder(command).start();
            InputStream out = process.getInputStream();
            reader = new Thread(() -> {
                try {
                    StackEvents.profile(() -> out).doOnNext(e -> {
                        arrivals.add(System.nanoTime());
                        events.add(e);
                    }).blockLast();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            reader.start();
            errReader = new Thread(() -> {
                try {
                    process.getErrorStream().transferTo(err);
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            errReader.start();
        }

        /** Waits until {@code n} samples have been decoded (or the timeout); returns how many were. */
        long awaitSamples(long n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (samples().size() < n && System.nanoTime() < deadline && failure.get() == null) {
                Thread.sleep(5);
            }
            return samples().size();
        }

        /** The metadata value of {@code key} decoded so far, or null. */
        String meta(String key) {
            synchronized (events) {
                String value = null;
                for (ProfileEvent e : events) {
                    if (e instanceof Metadata m && m.key().equals(key)) {
                        value = m.value();
                    }
                }
                return value;
            }
        }

        List<Sample> samples() {
            synchronized (events) {
                return events.stream().filter(e -> e instanceof Sample).map(e -> (Sample) e).toList();
            }
        }

        /** The metadata keys before the first sample, then those after the last one. */
        List<List<String>> headerAndFooter() {
            List<String> header = new ArrayList<>();
            List<String> footer = new ArrayList<>();
            boolean sampled = false;
            synchronized (events) {
                for (ProfileEvent e : events) {
                    if (e instanceof Sample) {
                        sampled = true;
                        footer.clear();
                    } else if (e instanceof Metadata m) {
                        (sampled ? footer : header).add(m.key());
                    }
                }
            }
            return List.of(header, footer);
        }

        int finish() throws Exception {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "austin4 ends");
            reader.join(10_000);
            errReader.join(10_000);
            if (failure.get() != null) {
                throw new AssertionError("the MOJO stream does not decode: " + failure.get(), failure.get());
            }
            return process.exitValue();
        }

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private static int[] semver(String text) {
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)").matcher(text);
        assertTrue(m.find(), "a version in '" + text + "'");
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }

    /**
     * austin-python 2.x, on every installed interpreter: {@code austin -P <user's args>}, the version from the
     * metadata (at least 4.0.0), samples parsed while the target runs (every sample is flushed: a buffered writer
     * would hold seconds of them), SIGTERM, then the footer, status 241 and the spawned target gone.
     */
    @TestFactory
    Stream<DynamicTest> drivenAsAustinPythonDoes() {
        return Pythons.each(py -> {
            Reading r = new Reading(List.of(LAUNCHER.toString(), "-P", "-i", "1000", py.path().toString(), "-S",
                    SHARES.toString(), "30"));
            long t0 = System.nanoTime();
            try {
                long got = r.awaitSamples(1, Duration.ofSeconds(20));
                assertTrue(got >= 1, "a first sample while the target runs; stderr: " + r.stderr());
                String version = r.meta("austin");
                int[] v = semver(version);
                assertTrue(v[0] >= 4, "austin-python 2.x needs >= 4.0.0, got " + version);
                assertEquals("4.0.0", version);
                assertEquals(py.major() + "." + py.minor(), r.meta("python").substring(0,
                        r.meta("python").lastIndexOf('.')));
                // At 1 ms, 2 threads: ~2,000 samples a second, ~10-30 bytes each. Flushed per sample, they arrive
                // all the time; behind a 64 KiB buffer they would come in bursts a second or more apart. So: samples
                // arrive in most 50 ms windows of the second after the first one.
                long first = r.arrivals.get(0);
                Thread.sleep(1_200);
                assertTrue(r.process.isAlive(), "still sampling");
                java.util.Set<Long> windows = new java.util.HashSet<>();
                synchronized (r.events) {
                    for (int k = 0; k < r.events.size(); k++) {
                        long at = r.arrivals.get(k) - first;
                        if (r.events.get(k) instanceof Sample && at < 1_000_000_000L) {
                            windows.add(at / 50_000_000L);
                        }
                    }
                }
                assertTrue(windows.size() >= 12, "samples arrived in " + windows.size() + " of the 20 windows of "
                        + "50 ms after the first event");
                System.out.printf("[austin4 %s] first event after %d ms; samples in %d of the next 20 windows of 50 ms,"
                        + " %d samples by now%n", py.label(), (first - t0) / 1_000_000, windows.size(),
                        r.samples().size());
            } finally {
                // SIGTERM, as Popen.terminate() and asyncio's Process.terminate() (Process.destroy() closes our pipes)
                r.process.toHandle().destroy();
            }
            int status = r.finish();
            assertEquals(241, status, "SIGTERM: " + r.stderr());
            assertEquals("", r.stderr(), "pipe mode: nothing on stderr");
            List<List<String>> hf = r.headerAndFooter();
            assertEquals(List.of("austin", "interval", "mode", "python"), hf.get(0));
            assertEquals(List.of("count", "duration", "sampling", "saturation", "errors"), hf.get(1));
            assertEquals(Long.toString(r.samples().size()), r.meta("count"), "count = the samples written");
            assertEquals("1000", r.meta("interval"));
            assertEquals("wall", r.meta("mode"));
            assertTrue(r.meta("errors").endsWith("/" + r.samples().size()), r.meta("errors"));
            ToolRun.assertNoProcessRuns(SHARES.toString());
        });
    }

    /**
     * The VS Code extension: {@code austin --version} matched with its pattern (major at least 4), then {@code -i 100
     * --pipe -c -C -g -p PID} on a running program, read as chunks, stopped by the editor with SIGTERM: the attached
     * target is not signalled.
     */
    @Test
    void drivenAsVsCodeDoesWhenAttaching() throws Exception {
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Process v = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, v.waitFor());
        assertTrue(version.startsWith("austin 4.0.0"), version);
        assertTrue(semver(version)[0] >= 4, version);

        Process target = new ProcessBuilder(Pythons.any().path().toString(), "-S", SHARES.toString(), "60").start();
        try {
            new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Reading r = new Reading(List.of(LAUNCHER.toString(), "-i", "100", "--pipe", "-c", "-C", "-g", "-p",
                    Long.toString(target.pid())));
            try {
                assertTrue(r.awaitSamples(200, Duration.ofSeconds(20)) >= 200, "samples; stderr: " + r.stderr());
            } finally {
                r.process.toHandle().destroy(); // SIGTERM, as Node's ChildProcess.kill()
            }
            assertEquals(241, r.finish(), r.stderr());
            assertTrue(target.isAlive(), "an attached target is never signalled");
            List<List<String>> hf = r.headerAndFooter();
            assertEquals(List.of("python", "austin", "interval", "mode", "multiprocess", "gc"), hf.get(0));
            assertEquals(List.of("gc", "count", "duration", "sampling", "saturation", "errors"), hf.get(1));
            assertEquals("cpu", r.meta("mode"));
            assertEquals("100", r.meta("interval"));
            assertEquals(Long.toString(r.samples().size()), r.meta("count"));
            for (Sample s : r.samples()) {
                assertEquals(target.pid(), s.thread().pid());
            }
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    /** The VS Code extension running a script: {@code -i 100 --pipe -m python script}, to the script's end. */
    @Test
    void drivenAsVsCodeDoesWhenRunningAScript() throws Exception {
        Reading r = new Reading(List.of(LAUNCHER.toString(), "-i", "100", "--pipe", "-m",
                Pythons.any().path().toString(), "-S", Pythons.target("mem_alloc.py").toString()));
        assertEquals(0, r.finish(), r.stderr());
        assertEquals("memory", r.meta("mode"));
        assertTrue(Long.parseLong(r.meta("memory")) > 0, "the machine's memory in the header");
        assertTrue(r.samples().size() > 10, r.samples().size() + " samples");
        assertEquals(Long.toString(r.samples().size()), r.meta("count"));
        for (Sample s : r.samples()) {
            assertTrue(s.memory() != 0, "memory mode: every sample has a change of memory");
        }
    }

    /**
     * The end of the exposure is Ctrl-C, as in Austin 4: the spawned target receives SIGINT (it sees
     * KeyboardInterrupt), status 254; SIGINT itself gives 254 too. Outside pipe mode, the statistics go to stderr.
     */
    @Test
    void exposureAndSigintStopAsCtrlC() throws Exception {
        Path marker = tmp.resolve("interrupted");
        String program = "import sys, time\ntry:\n    while True: time.sleep(0.005)\nexcept KeyboardInterrupt:\n"
                + "    open(sys.argv[1], 'w').write('KeyboardInterrupt')\n";
        Path out = tmp.resolve("x.mojo");
        Reading r = new Reading(List.of(LAUNCHER.toString(), "-x", "1", "-i", "1ms", "-o", out.toString(),
                Pythons.any().path().toString(), "-S", "-c", program, marker.toString()));
        assertEquals(254, r.finish(), r.stderr());
        assertEquals("KeyboardInterrupt", Files.readString(marker), "the target was sent SIGINT");
        assertTrue(r.stderr().contains("Sampling Statistics"), r.stderr());
        List<ProfileEvent> events = StackEvents.profile(() -> Files.newInputStream(out)).collectList().block();
        long samples = events.stream().filter(e -> e instanceof Sample).count();
        assertTrue(events.contains(new Metadata("count", Long.toString(samples))), "count in the footer");
        long duration = events.stream().filter(e -> e instanceof Metadata m && m.key().equals("duration"))
                .map(e -> Long.parseLong(((Metadata) e).value())).findFirst().orElseThrow();
        assertTrue(duration >= 1_000_000 && duration < 3_000_000, duration + " µs");

        Files.deleteIfExists(marker);
        Reading i = new Reading(List.of(LAUNCHER.toString(), "-P", "-i", "1ms", Pythons.any().path().toString(),
                "-S", "-c", program, marker.toString()));
        i.awaitSamples(50, Duration.ofSeconds(20));
        new ProcessBuilder("kill", "-INT", Long.toString(i.process.pid())).start().waitFor();
        assertEquals(254, i.finish(), i.stderr());
        assertEquals("KeyboardInterrupt", Files.readString(marker), "SIGINT forwarded to the spawned target");
        assertTrue(i.meta("count") != null, "the footer after SIGINT");
    }

    /** Austin 4's command line: -h, -b and -s are gone; its statuses for usage errors, output and target failures. */
    @Test
    void austin4sCommandLineAndStatuses() throws Exception {
        String py = Pythons.any().path().toString();
        for (String gone : List.of("-h", "-b", "-s")) {
            ToolRun r = austin4(gone, py, "-c", "pass");
            assertEquals(ExitCodes.USAGE, r.status(), gone);
            assertTrue(r.err().endsWith("Try `austin --help' or `austin --usage' for more information.\n"), r.err());
        }
        ToolRun none = austin4("-i", "1ms");
        assertEquals(Austin4Command.CMDLINE_STATUS, none.status(), none.err());
        assertEquals("austin: No command nor process ID provided\n", none.err());
        ToolRun output = austin4("-o", tmp.resolve("missing/x.mojo").toString(), py, "-c", "pass");
        assertEquals(Austin4Command.IO_STATUS, output.status(), output.err());
        ToolRun attach = austin4("-p", "999999999");
        assertEquals(Austin4Command.OS_STATUS, attach.status(), attach.err());
        ToolRun launch = austin4("/nonexistent/python");
        assertEquals(Austin4Command.OS_STATUS, launch.status(), launch.err());
        ToolRun notPython = austin4("-t", "300", "/bin/sleep", "3");
        assertEquals(Austin4Command.VERSION_STATUS, notPython.status(), notPython.err());
        ToolRun help = austin4("-?");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: austin [-CcfgmnP?V] [-x n_sec] [-i n_us]"), help.out());
        assertTrue(help.out().contains("\n  -c, --cpu                   Sample only"), help.out());
        ToolRun bare = austin4();
        assertEquals(0, bare.status());
        assertEquals(austin4("--usage").out(), bare.out(), "no argument: the usage");
        ToolRun nat = austin4("-n", "-o", tmp.resolve("n.mojo").toString(), py, "-S", "-c", "pass");
        assertTrue(nat.err().startsWith("austin: warning: native mode is not supported"), nat.err());
        ToolRun v3 = austin4("--mojo-version", "3", "-o", tmp.resolve("v3.mojo").toString(), "-i", "1ms", py, "-S",
                SHARES.toString(), "1");
        assertEquals(0, v3.status(), v3.err());
        byte[] bytes = Files.readAllBytes(tmp.resolve("v3.mojo"));
        assertEquals("MOJ\u0003", new String(bytes, 0, 4, StandardCharsets.ISO_8859_1));
        List<ProfileEvent> events = StackEvents.profile(() -> new ByteArrayInputStream(bytes)).collectList().block();
        assertTrue(events.contains(new Metadata("austin", "4.0.0")), "v3 events, Austin 4's metadata");
    }

    /** What the personality writes, v4 and v3, is read by the three converters. */
    @Test
    void theConvertersReadWhatItWrites() throws Exception {
        String py = Pythons.any().path().toString();
        for (String version : List.of("4", "3")) {
            Path mojo = tmp.resolve("run" + version + ".mojo");
            ToolRun run = austin4("--mojo-version", version, "-i", "1ms", "-o", mojo.toString(), py, "-S",
                    SHARES.toString(), "1");
            assertEquals(0, run.status(), run.err());
            for (String tool : List.of("mojo2austin", "austin2speedscope", "austin2pprof")) {
                Path out = tmp.resolve("run" + version + "." + tool);
                ToolRun converted = ToolRun.of(tool, mojo.toString(), out.toString());
                assertEquals(0, converted.status(), tool + " on v" + version + ": " + converted.err());
                assertTrue(Files.size(out) > 100, tool);
            }
            String text = Files.readString(tmp.resolve("run" + version + ".mojo2austin"));
            assertTrue(text.startsWith("# austin: 4.0.0\n"), text.substring(0, 40));
            assertTrue(text.contains(":<module>:"), "frames");
        }
    }

    /** The library's Austin 4 options: the same metadata, and an exposure that ends as SIGINT would (stopSignal 2). */
    @Test
    void theLibrarysAustin4Options() {
        SamplerOptions o = SamplerOptions.austin4().withInterval(Duration.ofMillis(1)).withExposure(
                Duration.ofSeconds(1)).withQuietChild(true).withGc(true);
        assertEquals(Personality.AUSTIN_4, o.personality());
        assertEquals(Duration.ofSeconds(3), o.timeout());
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        List<ProfileEvent> events = Sampler.spawn(List.of(Pythons.any().path().toString(), "-S", SHARES.toString(),
                "10"), o, run::set).collectList().block();
        List<String> keys = new ArrayList<>();
        for (ProfileEvent e : events) {
            if (e instanceof Metadata m) {
                keys.add(m.key());
            }
        }
        assertEquals(List.of("austin", "interval", "mode", "gc", "python", "gc", "count", "duration", "sampling",
                "saturation", "errors"), keys);
        assertTrue(events.contains(new Metadata("austin", "4.0.0")));
        assertEquals(2, run.get().stopSignal(), "the exposure ends as Ctrl-C");
        List<ProfileEvent> three = Sampler.spawn(List.of(Pythons.any().path().toString(), "-S", "-c", "pass"),
                SamplerOptions.defaults().withQuietChild(true)).collectList().block();
        assertTrue(three.contains(new Metadata("austin", "3.7.0")), "the default stays Austin 3.7");
        assertFalse(three.stream().anyMatch(e -> e instanceof Metadata m && m.key().equals("count")));
    }

    /** Where mode as Austin 4 prints it: the same layout as 3.7, with its colour codes written bold first. */
    @Test
    void whereModeAsAustin4PrintsIt() throws Exception {
        Process target = new ProcessBuilder(Pythons.any().path().toString(), "-S", SHARES.toString(), "30").start();
        try {
            new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8)).readLine();
            ToolRun w = austin4("-w", Long.toString(target.pid()));
            assertEquals(0, w.status(), w.err());
            assertTrue(w.out().contains(" Process \033[1;35m" + target.pid() + "\033[0m \uD83E\uDDF5 Thread \033[1;34m0:"),
                    w.out());
            assertTrue(w.out().contains("    \033[1;33mrecurse\033[0m (\033[1;36m" + SHARES), w.out());
            assertFalse(w.out().contains("[35;1m"), "not Austin 3.7's codes");
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    /**
     * Binary to a terminal: Austin 4 asks first, before it starts anything; "n" (or anything but y) ends with status 0
     * and the command never started, "y" samples. In a real terminal (a tmux pane). The command lives a second: one
     * that ends at once may be gone before it is read, which is Austin's "terminated too quickly" (status 1).
     */
    @Test
    void asksBeforeWritingBinaryToATerminal() throws Exception {
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        TopIT.requireTmux();
        Path socket = tmp.resolve("tmux.sock");
        Path started = tmp.resolve("started");
        java.util.function.Function<String[], String> tmux = args -> {
            try {
                List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
                command.addAll(List.of(args));
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
                pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
                pb.environment().put("TERM", "screen");
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "tmux " + args[0] + ": " + out);
                return out;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        try {
            tmux.apply(new String[] {"-f", "/dev/null", "new-session", "-d", "-s", "a4", "-x", "120", "-y", "30",
                "-c", tmp.toString(), "sh"});
            for (String answer : List.of("n", "y")) {
                // Each round clears the screen and prints its name first: the previous round's question and status,
                // still on the screen while the new command line is typed, must not be taken for this round's.
                String run = "clear; echo round-" + answer + "; " + LAUNCHER + " -i 10ms " + Pythons.any().path()
                        + " -S -c \"open('started', 'w'); import time; time.sleep(1)\"; echo st-" + answer + "=$?";
                tmux.apply(new String[] {"send-keys", "-t", "a4", run, "Enter"});
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                String screen = tmux.apply(new String[] {"capture-pane", "-p", "-t", "a4"});
                while (!screen.lines().anyMatch(("round-" + answer)::equals) || !screen.contains("[y/N]")) {
                    assertTrue(System.nanoTime() < deadline, "no question on the screen:\n" + screen);
                    Thread.sleep(100);
                    screen = tmux.apply(new String[] {"capture-pane", "-p", "-t", "a4"});
                }
                assertTrue(screen.contains("Austin is about to generate binary output to terminal."), screen);
                assertFalse(Files.exists(started), "nothing started before the answer");
                tmux.apply(new String[] {"send-keys", "-t", "a4", answer, "Enter"});
                while (!java.util.regex.Pattern.compile("st-" + answer + "=\\d").matcher(screen).find()) {
                    assertTrue(System.nanoTime() < deadline, "austin4 did not end:\n" + screen);
                    Thread.sleep(100);
                    screen = tmux.apply(new String[] {"capture-pane", "-p", "-t", "a4"});
                }
                assertTrue(screen.contains("st-" + answer + "=0"), screen);
                assertEquals(answer.equals("y"), Files.exists(started), "the command ran only after a yes");
            }
        } finally {
            new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static ToolRun austin4(String... args) {
        return ToolRun.of("austin4", args);
    }
}
