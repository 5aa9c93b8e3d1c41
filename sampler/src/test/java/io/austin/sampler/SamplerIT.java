package io.austin.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoReader;
import io.austin.formats.mojo.MojoWriter;
import io.austin.sampler.Pythons.Python;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import reactor.core.publisher.Flux;

/** The sampler against real interpreters of every installed version. */
class SamplerIT {
    private static final String SHARES = "shares.py";

    private static SamplerOptions options() {
        return SamplerOptions.defaults().withInterval(Duration.ofMillis(1)).withTimeout(Duration.ofSeconds(5));
    }

    private static List<ProfileEvent> spawn(Python py, SamplerOptions options, AtomicReference<Sampler.Run> run,
            String... args) {
        List<String> cmd = new ArrayList<>(List.of(py.path().toString(), "-S"));
        cmd.addAll(List.of(args));
        return Sampler.spawn(cmd, options, run::set).collectList().block(Duration.ofSeconds(60));
    }

    private static List<Sample> samples(List<ProfileEvent> events) {
        return events.stream().filter(e -> e instanceof Sample).map(e -> (Sample) e).toList();
    }

    private static List<Sample> thread(List<ProfileEvent> events, long pid, long tid) {
        return samples(events).stream().filter(s -> s.thread().pid() == pid && s.thread().nativeId() == tid)
                .toList();
    }

    private static boolean has(Sample s, String scope) {
        return s.frames().stream().anyMatch(f -> f.frame().scope().equals(scope));
    }

    private static Frame leaf(Sample s) {
        return s.frames().isEmpty() ? null : s.frames().get(s.frames().size() - 1).frame();
    }

    private static String scope(Python py, String cls, String name) {
        return py.qualified() ? cls + "." + name : name;
    }

    @TestFactory
    Stream<DynamicTest> spawnedTargetHasTheExpectedStacksAndShares() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            String script = Pythons.target(SHARES).toString();
            Path truth = Files.createTempFile("shares", ".txt");
            List<ProfileEvent> events = spawn(py, options(), run, script, "2", truth.toString());
            String[] spent = Files.readString(truth).strip().split(" ");
            Files.delete(truth);
            double trueShare = Double.parseDouble(spent[0]) / (Double.parseDouble(spent[0])
                    + Double.parseDouble(spent[1]));
            long pid = run.get().pid();
            assertEquals(new Metadata("austin", "3.7.0"), events.get(0));
            assertEquals(new Metadata("interval", "1000"), events.get(1));
            assertEquals(new Metadata("mode", "wall"), events.get(2));
            assertEquals("duration", ((Metadata) events.get(events.size() - 1)).key());

            List<Sample> all = samples(events);
            List<Sample> main = thread(events, pid, pid);
            assertTrue(main.size() > 500, "main-thread samples: " + main.size());

            // The full expected stack of a sample in the hot function.
            String spin = scope(py, "Worker", "spin");
            List<Frame> expected = new ArrayList<>();
            expected.add(Frame.of(script, "<module>", Pythons.line(SHARES, "module")));
            expected.add(Frame.of(script, "main", Pythons.line(SHARES, "main")));
            for (int i = 0; i < 5; i++) {
                expected.add(Frame.of(script, "recurse", Pythons.line(SHARES, "recurse")));
            }
            expected.add(Frame.of(script, "recurse", Pythons.line(SHARES, "recurse_leaf")));
            expected.add(Frame.of(script, spin, Pythons.line(SHARES, "spin_hot")));
            expected.add(Frame.of(script, "ünïcode_hot", Pythons.line(SHARES, "hot")));
            int busyLine = Pythons.line(SHARES, "busy");
            long exact = main.stream().filter(s -> s.frames().size() == expected.size() + 1
                    && strip(s.frames().subList(0, expected.size())).equals(expected)
                    && leaf(s).scope().equals("busy")
                    && (leaf(s).line() == busyLine || leaf(s).line() == busyLine + 1)).count();
            long hot = main.stream().filter(s -> has(s, "ünïcode_hot")).count();
            long cold = main.stream().filter(s -> has(s, "cold")).count();
            assertTrue(exact > hot * 0.98, "exact stacks " + exact + " of " + hot + " hot samples; e.g. "
                    + main.stream().filter(s -> has(s, "ünïcode_hot")).findFirst().orElse(null));
            // The share of the time, as a profile shows it, against the time the target measured itself: under a
            // loaded CPU its phases overrun their deadlines and 70/30 drifts (0.663-0.667 seen under CI's load).
            long hotTime = main.stream().filter(s -> has(s, "ünïcode_hot")).mapToLong(Sample::time).sum();
            long coldTime = main.stream().filter(s -> has(s, "cold")).mapToLong(Sample::time).sum();
            double share = hotTime / (double) (hotTime + coldTime);
            assertTrue(Math.abs(share - trueShare) < 0.03 && Math.abs(trueShare - 0.70) < 0.1, "hot share of the "
                    + "time " + share + ", the target's own " + trueShare + " (hot " + hot + " samples, " + hotTime
                    + " us; cold " + cold + " samples, " + coldTime + " us)");
            System.out.printf("[shares %s] hot share of the sampled time %.4f, of the target's own %.4f%n", py.label(),
                    share, trueShare);

            // The second thread sleeps in background().
            List<Sample> others = all.stream().filter(s -> s.thread().nativeId() != pid).toList();
            assertTrue(others.size() > 300, "second-thread samples: " + others.size());
            int bg = Pythons.line(SHARES, "background");
            long sleeping = others.stream().filter(s -> leaf(s) != null && leaf(s).scope().equals("background")
                    && leaf(s).line() == bg).count();
            assertTrue(sleeping > others.size() * 0.9, "background samples " + sleeping + " of " + others.size());
            assertTrue(all.stream().allMatch(s -> s.thread().iid() == 0));
            long invalid = all.stream().filter(Sample::invalid).count();
            assertTrue(invalid <= all.size() / 100, "invalid samples " + invalid);

            // A repeated stack is the same list: samples are cheap to compare.
            long repeated = 0;
            for (int i = 1; i < main.size(); i++) {
                List<FrameRef> a = main.get(i - 1).frames();
                List<FrameRef> b = main.get(i).frames();
                boolean sameRefs = a.size() == b.size();
                for (int k = 0; k < a.size() && sameRefs; k++) {
                    sameRefs = a.get(k) == b.get(k);
                }
                assertEquals(sameRefs, a == b, "an unchanged stack is the same list, a changed one another");
                repeated += sameRefs ? 1 : 0;
            }
            assertTrue(repeated > main.size() / 10, "repeated stacks: " + repeated + " of " + main.size());

            // -b and text of the same run agree.
            ByteArrayOutputStream mojo = new ByteArrayOutputStream();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            try (MojoWriter mw = new MojoWriter(mojo); CollapsedWriter tw = new CollapsedWriter(text)) {
                for (ProfileEvent e : events) {
                    mw.write(e);
                    tw.write(e);
                }
            }
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            try (var r = StackEvents.samples(new MojoReader(new ByteArrayInputStream(mojo.toByteArray())));
                    CollapsedWriter tw = new CollapsedWriter(again)) {
                for (ProfileEvent e = r.next(); e != null; e = r.next()) {
                    tw.write(e);
                }
            }
            assertEquals(text.toString(StandardCharsets.UTF_8), again.toString(StandardCharsets.UTF_8));
        });
    }

    /** Columns are sampler detail the expected frames leave out. */
    private static List<Frame> strip(List<FrameRef> frames) {
        return frames.stream().map(FrameRef::frame).map(f -> Frame.of(f.file(), f.scope(), f.line())).toList();
    }

    @TestFactory
    Stream<DynamicTest> attachesToARunningProcess() {
        return Pythons.each(py -> {
            Process p = new ProcessBuilder(py.path().toString(), "-S", Pythons.target(SHARES).toString(), "20")
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8));
                String ready = out.readLine();
                assertTrue(ready != null && ready.startsWith("ready"), String.valueOf(ready));
                long workerTid = Long.parseLong(ready.split(" ")[2]);
                List<ProfileEvent> events = Sampler.attach((int) p.pid(),
                        options().withExposure(Duration.ofMillis(800))).collectList().block(Duration.ofSeconds(30));
                assertTrue(thread(events, p.pid(), p.pid()).stream().anyMatch(s -> has(s, "ünïcode_hot")));
                assertTrue(thread(events, p.pid(), workerTid).stream().anyMatch(s -> has(s, "background")),
                        "worker thread " + workerTid + " sampled with its native id");
                assertTrue(p.isAlive(), "attaching must not harm the target");
            } finally {
                p.destroyForcibly().waitFor();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> subInterpretersShowTheirOwnId() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            List<ProfileEvent> events = spawn(py, options(), run, Pythons.target("subinterp.py").toString(), "1.5");
            List<Sample> all = samples(events);
            assertTrue(all.stream().anyMatch(s -> s.thread().iid() == 1 && has(s, "in_sub")),
                    "a sample of interpreter 1 in in_sub()");
            assertTrue(all.stream().filter(s -> has(s, "in_sub")).allMatch(s -> s.thread().iid() == 1));
        });
    }

    /**
     * The seam of children mode: one run samples the parent and two children from the start, and takes in a third
     * child half a second later, each under its own pid, with one header and one footer.
     */
    @TestFactory
    Stream<DynamicTest> oneRunSamplesSeveralProcessesAndTakesInANewOne() {
        return Pythons.each(py -> {
            java.nio.file.Path pids = java.nio.file.Files.createTempFile("pids", ".txt");
            List<Long> addedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Integer> added = new java.util.concurrent.CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            Sampler.Listener listener = new Sampler.Listener() {
                @Override
                public void attached(Sampler.Run run) {
                }

                @Override
                public void processAdded(Sampler.Run run, Sampler.ProcessInfo p) {
                    added.add(p.pid());
                    addedAt.add((System.nanoTime() - t0) / 1_000_000);
                }
            };
            List<ProfileEvent> events = Sampler.spawn(List.of(py.path().toString(), "-S",
                    Pythons.target("children.py").toString(), pids.toString(), "1"),
                    options().withChildren(true), listener).collectList().block(Duration.ofSeconds(60));
            List<Integer> children = java.util.Arrays.stream(java.nio.file.Files.readString(pids).trim().split(" "))
                    .map(Integer::valueOf).toList();
            java.nio.file.Files.delete(pids);
            assertEquals(children, added, "the three children, in the order they started");
            assertTrue(addedAt.get(2) - addedAt.get(0) >= 300, "the third joined mid-run: " + addedAt);
            java.util.Set<Long> sampled = samples(events).stream().map(x -> x.thread().pid())
                    .collect(java.util.stream.Collectors.toSet());
            assertEquals(4, sampled.size(), "parent and three children: " + sampled);
            assertEquals(new Metadata("multiprocess", "on"), events.get(3));
            assertEquals(1, events.stream().filter(e -> e instanceof Metadata m && m.key().equals("duration"))
                    .count(), "one footer");
        });
    }

    @Test
    void notPythonEndsWithAustinsStatus() {
        SamplerException e = assertThrows(SamplerException.class, () -> Sampler.spawn(List.of("/bin/sleep", "5"),
                options().withTimeout(Duration.ofMillis(500))).blockLast(Duration.ofSeconds(30)));
        assertEquals(32, e.exitStatus(), e.getMessage());
    }

    @Test
    void launchFailureEndsWithAustinsStatus() {
        SamplerException e = assertThrows(SamplerException.class, () -> Sampler.spawn(
                List.of("/nonexistent/command"), options()).blockLast(Duration.ofSeconds(30)));
        assertEquals(33, e.exitStatus(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** A whole run of busy_start.py: the header first, the footer last, the loop's time covered (0.9 to 1.1). */
    private static void assertWholeRunCoveringTheLoop(List<ProfileEvent> events, double seconds) {
        assertEquals(new Metadata("austin", "3.7.0"), events.get(0));
        assertEquals("duration", ((Metadata) events.get(events.size() - 1)).key());
        long busy = samples(events).stream().filter(e -> has(e, "busy")).mapToLong(Sample::time).sum();
        double coverage = busy / (seconds * 1e6);
        assertTrue(coverage > 0.9 && coverage < 1.1, "the loop's time covered: " + coverage + " of " + seconds
                + " s");
    }

    /** busy_and_sleeping.py for 30 s, once it says it is ready. */
    private static Process busyAndSleeping() throws java.io.IOException {
        Process target = new ProcessBuilder(Pythons.any().path().toString(), "-S",
                Pythons.target("busy_and_sleeping.py").toString(), "30").start();
        target.getInputStream().read(); // "ready"
        return target;
    }

    /** A writer that keeps what it is given, says on which threads, and can fail at one event. */
    private static final class KeepingWriter implements io.austin.formats.ProfileEventWriter {
        final List<ProfileEvent> events = new ArrayList<>();
        final java.util.Set<String> threads = new java.util.HashSet<>();
        final int failAt;
        boolean finished;
        boolean closed;

        KeepingWriter(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void write(ProfileEvent event) throws java.io.IOException {
            threads.add(Thread.currentThread().getName());
            if (events.size() == failAt) {
                throw new java.io.IOException("disk full");
            }
            events.add(event);
        }

        @Override
        public void flush() {
        }

        @Override
        public void finish() {
            finished = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * Written on the calling thread, without a stream: the whole run from the header to the footer, the listener told
     * on that thread before the first event, the writer finished and closed, the program's first 300 ms covered.
     */
    @Test
    void spawnAndWriteWritesTheWholeRunOnTheCallingThread() throws Exception {
        Python py = Pythons.any();
        Path truth = Files.createTempFile("busy", ".txt");
        KeepingWriter writer = new KeepingWriter(-1);
        List<String> told = new ArrayList<>();
        Sampler.Run run = Sampler.spawnAndWrite(List.of(py.path().toString(), "-S",
                Pythons.target("busy_start.py").toString(), truth.toString()), options(),
                r -> told.add(Thread.currentThread().getName() + " " + writer.events.size()), writer);
        double seconds = Double.parseDouble(Files.readString(truth).strip());
        Files.delete(truth);
        String me = Thread.currentThread().getName();
        assertEquals(List.of(me + " 0"), told, "the listener, on this thread, before the first event");
        assertEquals(java.util.Set.of(me), writer.threads, "every event written on this thread");
        assertTrue(writer.finished && writer.closed);
        List<ProfileEvent> events = writer.events;
        assertWholeRunCoveringTheLoop(events, seconds);
        assertTrue(run.spawned() && run.stats().samples() == samples(events).size(), run.stats().toString());
    }

    @Test
    void spawnAndWriteThrowsALaunchFailureWithAustinsStatus() {
        KeepingWriter writer = new KeepingWriter(-1);
        SamplerException e = assertThrows(SamplerException.class, () -> Sampler.spawnAndWrite(
                List.of("/nonexistent/command"), options(), r -> { }, writer));
        assertEquals(33, e.exitStatus(), e.getMessage());
        assertTrue(writer.closed && writer.events.isEmpty());
    }

    /** The output cannot be written: the failure is thrown, and the program the run started is stopped. */
    @Test
    void aWriterThatFailsCancelsTheRunAndStopsItsProgram() throws Exception {
        Python py = Pythons.any();
        KeepingWriter writer = new KeepingWriter(50);
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> Sampler.spawnAndWrite(
                List.of(py.path().toString(), "-S", Pythons.target("busy_and_sleeping.py").toString(), "30"),
                options(), run::set, writer));
        assertEquals("disk full", e.getMessage());
        assertTrue(writer.closed);
        Path proc = Path.of("/proc/" + run.get().pid());
        long until = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(proc) && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(proc), "the program is terminated and reaped");
    }

    /**
     * Attached and written until the stop trigger fires (a plain Reactive Streams subscription to it); an interrupt
     * of the writing thread cancels the run. An attached program is left running both times.
     */
    @Test
    void attachAndWriteEndsWithTheStopTriggerOrAnInterrupt() throws Exception {
        Process target = busyAndSleeping();
        try {
            KeepingWriter writer = new KeepingWriter(-1);
            Sampler.Run run = Sampler.attachAndWrite((int) target.pid(),
                    options().withStop(reactor.core.publisher.Mono.delay(Duration.ofMillis(300))), r -> { }, writer);
            assertTrue(samples(writer.events).stream().anyMatch(e -> has(e, "busy")), "samples of the program");
            assertEquals("duration", ((Metadata) writer.events.get(writer.events.size() - 1)).key(), "the footer");
            assertTrue(writer.finished && writer.closed);
            assertFalse(run.spawned());
            assertTrue(target.isAlive(), "an attached program is left running");

            KeepingWriter second = new KeepingWriter(-1);
            AtomicReference<Sampler.Run> interrupted = new AtomicReference<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread writing = new Thread(() -> {
                try {
                    Sampler.attachAndWrite((int) target.pid(), options(), interrupted::set, second);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            writing.start();
            Thread.sleep(300);
            writing.interrupt();
            writing.join(10_000);
            assertTrue(thrown.get() instanceof java.io.InterruptedIOException, String.valueOf(thrown.get()));
            assertTrue(second.closed && !second.finished, "closed, not finished: no footer");
            long passes = interrupted.get().stats().passes();
            Thread.sleep(100);
            assertEquals(passes, interrupted.get().stats().passes(), "no pass after the interrupt");
            assertTrue(target.isAlive(), "an attached program is left running");
        } finally {
            target.destroyForcibly();
            target.waitFor();
        }
    }

    @Test
    void aRunWrittenOnTheCallingThreadTakesNoScheduler() {
        assertThrows(IllegalArgumentException.class, () -> Sampler.spawnAndWrite(List.of("/bin/true"),
                options().withScheduler(reactor.core.scheduler.Schedulers.immediate()), r -> { },
                new KeepingWriter(-1)));
    }

    @Test
    void vanishedPidEndsWithAustinsStatus() throws Exception {
        Process p = new ProcessBuilder("/bin/true").start();
        p.waitFor();
        SamplerException e = assertThrows(SamplerException.class,
                () -> Sampler.attach((int) p.pid(), options()).blockLast(Duration.ofSeconds(30)));
        assertEquals(36, e.exitStatus(), e.getMessage());
        assertTrue(e.getMessage().contains("Cannot attach to the given process"), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> cancelTerminatesAndReapsTheSpawnedChild() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            Flux<ProfileEvent> flux = Sampler.spawn(List.of(py.path().toString(), "-S",
                    Pythons.target(SHARES).toString(), "30"), options(), run::set);
            flux.filter(e -> e instanceof Sample).take(5).blockLast(Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            ProcessHandle child = ProcessHandle.of(run.get().pid()).orElse(null);
            while (child != null && child.isAlive() && System.nanoTime() - t0 < 3_000_000_000L) {
                Thread.sleep(1);
            }
            assertTrue(child == null || !child.isAlive(), "child still running 3 s after cancel");
        });
    }

    @TestFactory
    Stream<DynamicTest> anEmptyStopSignalEndsSamplingWithAFooter() {
        return Pythons.each(py -> {
            reactor.core.publisher.Sinks.Empty<Void> stop = reactor.core.publisher.Sinks.empty();
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            long t0 = System.nanoTime();
            List<ProfileEvent> events = Sampler.spawn(List.of(py.path().toString(), "-S",
                    Pythons.target(SHARES).toString(), "30"), options().withStop(stop.asMono()), run::set)
                    .doOnNext(e -> {
                        if (e instanceof Sample) {
                            stop.tryEmitEmpty();
                        }
                    })
                    .collectList().block(Duration.ofSeconds(20));
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "stopped promptly");
            assertEquals("duration", ((Metadata) events.get(events.size() - 1)).key());
            ProcessHandle child = ProcessHandle.of(run.get().pid()).orElse(null);
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (child != null && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(child == null || !child.isAlive(), "the spawned target is terminated at the end");
        });
    }

    /**
     * CPU mode counts the CPU time the kernel gave a thread, not the time it was runnable: the target shares one CPU
     * with a busy child, so its main thread is runnable all the time and on the CPU about half of it. Counting each
     * running sample's whole interval (as Austin does) gives it about twice its CPU time.
     */
    @Test
    void cpuModeCountsCpuTimeNotRunnableTime() throws Exception {
        Python py = Pythons.any();
        java.nio.file.Path result = java.nio.file.Files.createTempFile("contended", ".json");
        try {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            List<ProfileEvent> events = spawn(py, options().withInterval(Duration.ofNanos(200_000))
                    .withMode(io.austin.formats.Mode.CPU), run, Pythons.target("contended.py").toString(),
                    result.toString(), "2");
            String json = java.nio.file.Files.readString(result);
            long tid = Long.parseLong(json.replaceAll(".*\"tid\": *(\\d+).*", "$1").strip());
            double cpu = Double.parseDouble(json.replaceAll(".*\"cpu\": *([0-9.eE+-]+).*", "$1").strip());
            long micros = thread(events, run.get().pid(), tid).stream().mapToLong(Sample::time).sum();
            double ratio = micros / (cpu * 1e6);
            System.out.printf("[cpu] %s: a thread sharing its CPU with a busy process: %.3f s of CPU, %.3f s in its "
                    + "samples (%.3f)%n", py, cpu, micros / 1e6, ratio);
            assertTrue(cpu > 0.5 && cpu < 1.6, "the target shared its CPU: " + cpu + " s of CPU in 2 s");
            assertTrue(ratio > 0.95 && ratio < 1.03, "CPU-mode time over the thread's CPU time: " + ratio
                    + " (" + micros + " us for " + cpu + " s)");
        } finally {
            java.nio.file.Files.deleteIfExists(result);
        }
    }

    /** Field 19 of a task's stat line, its nice value (the command name in parentheses may hold spaces). */
    private static int niceOf(java.nio.file.Path stat) throws java.io.IOException {
        String line = java.nio.file.Files.readString(stat);
        return Integer.parseInt(line.substring(line.lastIndexOf(')') + 2).split(" ")[16]);
    }

    /**
     * The sampling thread asks for a higher priority (where allowed: CAP_SYS_NICE here) after the target is spawned, so the
     * target inherits neither that nor the thread's 1 µs timer slack: it runs with the nice value and slack of the
     * process that started the sampler.
     */
    @Test
    void theSamplingThreadIsNicerThanItsTargetWhichKeepsItsOwnSettings() throws Exception {
        Python py = Pythons.any();
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        AtomicReference<String> seen = new AtomicReference<>();
        java.nio.file.Path self = java.nio.file.Path.of("/proc/self");
        int ourNice = niceOf(self.resolve("stat"));
        String ourSlack = java.nio.file.Files.readString(self.resolve("timerslack_ns")).strip();
        // Raising a priority needs CAP_SYS_NICE (bit 23 of the effective set; root in a container may lack it) or
        // a soft RLIMIT_NICE of at least 20 - the wanted value.
        long caps = Long.parseLong(java.nio.file.Files.readAllLines(self.resolve("status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().split("\\s+")[1], 16);
        int rlimit = java.nio.file.Files.readAllLines(self.resolve("limits")).stream()
                .filter(l -> l.startsWith("Max nice priority")).map(l -> l.substring(26).trim().split("\\s+")[0])
                .filter(v -> v.matches("\\d+")).mapToInt(Integer::parseInt).findFirst().orElse(0);
        boolean root = (caps & 1L << 23) != 0 || 20 - rlimit <= Math.max(-20, ourNice - 10);
        Sampler.spawn(List.of(py.path().toString(), "-S", Pythons.target(SHARES).toString(), "30"), options(),
                run::set).filter(e -> e instanceof Sample).take(3).doOnNext(e -> {
                    if (seen.get() != null) {
                        return;
                    }
                    try {
                        java.nio.file.Path target = java.nio.file.Path.of("/proc", Long.toString(run.get().pid()));
                        int samplerNice = Integer.MIN_VALUE;
                        try (var tasks = java.nio.file.Files.list(self.resolve("task"))) {
                            for (java.nio.file.Path task : tasks.toList()) {
                                if (java.nio.file.Files.readString(task.resolve("comm")).strip()
                                        .equals("austin-sampler")) {
                                    samplerNice = niceOf(task.resolve("stat"));
                                }
                            }
                        }
                        seen.set(niceOf(target.resolve("stat")) + " "
                                + java.nio.file.Files.readString(target.resolve("timerslack_ns")).strip() + " "
                                + samplerNice);
                    } catch (java.io.IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }).blockLast(Duration.ofSeconds(30));
        String[] f = seen.get().split(" ");
        assertEquals(ourNice, Integer.parseInt(f[0]), "the target's nice value");
        assertEquals(ourSlack, f[1], "the target's timer slack");
        int expected = root ? Math.max(-20, ourNice - 10) : ourNice;
        assertEquals(expected, Integer.parseInt(f[2]), "the sampling thread's nice value (allowed: " + root + ")");
    }

    /** pyenv shims and launcher scripts exec the interpreter after we attach: the sampler follows the exec. */
    @TestFactory
    Stream<DynamicTest> followsAShellThatExecsPython() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            List<ProfileEvent> events = Sampler.spawn(List.of("/bin/sh", "-c",
                    "sleep 0.05; exec \"$0\" -S \"$1\" 1", py.path().toString(), Pythons.target(SHARES).toString()),
                    options(), run::set).collectList().block(Duration.ofSeconds(30));
            assertTrue(thread(events, run.get().pid(), run.get().pid()).stream().anyMatch(s -> has(s, "ünïcode_hot")),
                    "samples of the exec'd interpreter");
        });
    }

    /**
     * The timer is the options' Scheduler: on virtual time, passes happen only as time is advanced, one per interval
     * at absolute deadlines; a subscriber that takes nothing lets the queue fill, after which passes are skipped and
     * counted, never queued without bound; the exposure ends the run with a footer.
     */
    @Test
    void virtualTimeDrivesPassesAndLateTicksAreCounted() {
        Python py = Pythons.any();
        reactor.test.scheduler.VirtualTimeScheduler vts = reactor.test.scheduler.VirtualTimeScheduler.create();
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        SamplerOptions o = options().withInterval(Duration.ofSeconds(1)).withExposure(Duration.ofSeconds(40))
                .withScheduler(vts).withQueueCapacity(16);
        Flux<ProfileEvent> flux = Sampler.spawn(List.of(py.path().toString(), "-S", Pythons.target(SHARES).toString(),
                "60"), o, run::set);
        reactor.test.StepVerifier.create(flux, 3)
                .expectNextCount(3) // the header
                .then(() -> vts.advanceTimeBy(Duration.ofSeconds(20)))
                .then(() -> {
                    SamplerStats stats = run.get().stats();
                    // One or two threads per pass (the target may not have started its second thread yet: virtual
                    // seconds pass in real milliseconds): the 16 places, less the 8 kept free, fill after at most
                    // nine passes; later ticks are skipped.
                    assertTrue(stats.passes() >= 2 && stats.passes() <= 9, "passes without demand: " + stats);
                    assertTrue(stats.lateTicks() >= 12, "skipped ticks counted: " + stats);
                    assertEquals(21, stats.passes() + stats.lateTicks(), "a tick a virtual second: " + stats);
                })
                .thenRequest(Long.MAX_VALUE)
                .then(() -> vts.advanceTimeBy(Duration.ofSeconds(25)))
                .thenConsumeWhile(e -> true)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
        SamplerStats stats = run.get().stats();
        assertTrue(stats.passes() + stats.lateTicks() >= 39 && stats.passes() + stats.lateTicks() <= 41,
                "one tick a virtual second for 40 s: " + stats);
        assertEquals(40_000_000, stats.durationMicros(), "the duration is measured on the scheduler's clock");
    }
}
