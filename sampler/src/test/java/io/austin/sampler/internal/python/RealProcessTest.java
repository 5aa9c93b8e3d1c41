package io.austin.sampler.internal.python;

import io.austin.sampler.internal.RemoteMemory;
import io.austin.sampler.internal.linux.ProcessVmMemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walker against real CPython processes: the interpreters installed on this machine (absent ones are skipped).
 * The target prints {@code _PyRuntime}'s and {@code PyCode_Type}'s addresses itself (no ELF locator needed) and the
 * stack each thread sees of itself; memory is read through {@code /proc/PID/mem}.
 */
class RealProcessTest {
    private static final long TIMEOUT_MS = 20_000;

    @TempDir
    static Path dir;

    static Stream<String> pythons() {
        return io.austin.sampler.Pythons.ALL.stream().map(py -> py.path().toString());
    }

    /** A running target and what it printed. */
    static final class Target implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Map<String, String> facts = new HashMap<>();
        final List<String> stacks = new ArrayList<>();
        final List<String> all = new ArrayList<>();

        Target(String python, String... args) throws IOException {
            Path script = dir.resolve("target.py");
            if (!Files.exists(script)) {
                try (InputStream in = RealProcessTest.class.getResourceAsStream("target.py")) {
                    Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            List<String> cmd = new ArrayList<>(List.of(python, "-S", script.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            process = pb.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the process went away; the waiting side times out
                }
            }, "target-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitReady() throws InterruptedException {
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            while (true) {
                String l = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                if (l == null) {
                    throw new AssertionError("target not ready; printed " + all);
                }
                all.add(l);
                if (l.equals("READY")) {
                    return;
                }
                String[] p = l.split(" ", 2);
                if (p[0].equals("STACK")) {
                    stacks.add(p[1]);
                } else if (p.length == 2) {
                    facts.put(p[0], p[1]);
                } else {
                    facts.put(p[0], "");
                }
            }
        }

        long hex(String key) {
            return Long.parseLong(facts.get(key).substring(2), 16);
        }

        int pid() {
            return Integer.parseInt(facts.get("PID"));
        }

        InterpreterWalker walker(RemoteMemory mem) {
            String[] v = facts.get("VERSION").split(" ");
            return InterpreterWalker.create(mem, Integer.parseInt(v[0]), Integer.parseInt(v[1]), hex("RUNTIME"),
                    hex("CODETYPE"), pid());
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String describe(ThreadStack t) {
        StringBuilder sb = new StringBuilder();
        for (FrameRef r : t.frames()) {
            Frame f = r.frame();
            sb.append(sb.length() == 0 ? "" : ";").append(f.file()).append('|').append(f.scope()).append('|')
                    .append(f.line());
        }
        return sb.toString();
    }

    static ThreadStack find(WalkResult r, long tid, long iid) {
        for (int i = 0; i < r.threadCount(); i++) {
            ThreadStack t = r.thread(i);
            if (t.nativeThreadId() == tid && t.interpreterId() == iid) {
                return t;
            }
        }
        return null;
    }

    /** Walks until every expected stack is seen (threads may still be settling into their sleeps). */
    static Map<String, String> match(InterpreterWalker w, Map<Long, String> expected) throws InterruptedException {
        Map<String, String> seen = new HashMap<>();
        for (int attempt = 0; attempt < 100; attempt++) {
            WalkResult r = w.walk();
            seen.clear();
            boolean all = true;
            for (Map.Entry<Long, String> e : expected.entrySet()) {
                ThreadStack t = find(r, e.getKey(), 0);
                String got = t == null ? "<no thread>" : (t.invalid() ? "INVALID " : "") + describe(t);
                seen.put(Long.toString(e.getKey()), got);
                all &= got.equals(e.getValue());
            }
            if (all) {
                return seen;
            }
            Thread.sleep(50);
        }
        return seen;
    }

    @ParameterizedTest
    @MethodSource("pythons")
    void walksEveryThreadOfARealTarget(String python) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(python)), python + " not installed");
        try (Target t = new Target(python, "full"); ProcessVmMemory mem = ProcessVmMemory.open((int) t.process.pid())) {
            t.awaitReady();
            assertEquals(t.process.pid(), t.pid());
            InterpreterWalker w = t.walker(mem);
            System.out.println("[walker] " + python + " " + w + " differences=" + w.layoutDifferences());
            // The live check of the table on 3.13 and 3.14 (whose numbers were derived from headers): the target's own
            // debug-offsets block agrees with the built-in table on every offset the walker uses.
            assertEquals(List.of(), w.layoutDifferences(), "the target's debug offsets disagree with the table");
            Map<Long, String> expected = new HashMap<>();
            Map<Long, String> positions = new HashMap<>();
            long mainTid = -1;
            for (String s : t.stacks) {
                String[] p = s.split(" ");
                expected.put(Long.parseLong(p[1]), p[2]);
                positions.put(Long.parseLong(p[1]), p[3]);
                if (p[0].equals("main")) {
                    mainTid = Long.parseLong(p[1]);
                }
            }
            assertEquals(t.pid(), mainTid, "the main thread's TID is the PID");
            Map<String, String> seen = match(w, expected);
            for (Map.Entry<Long, String> e : expected.entrySet()) {
                assertEquals(e.getValue(), seen.get(Long.toString(e.getKey())), "thread " + e.getKey());
            }
            // End lines and columns (3.11+; zeros before) of every frame but the leaf, which has moved on from
            // the report() call to the sleep.
            WalkResult now = w.walk();
            for (Map.Entry<Long, String> e : positions.entrySet()) {
                ThreadStack ts = find(now, e.getKey(), 0);
                String[] want = e.getValue().split(";");
                assertEquals(want.length, ts.depth());
                for (int i = 0; i + 1 < want.length; i++) {
                    Frame f = ts.frame(i).frame();
                    assertEquals(want[i], f.lineEnd() + "|" + f.column() + "|" + f.columnEnd(),
                            "positions of " + f + " in thread " + e.getKey());
                }
            }
            String main = expected.get(mainTid);
            assertTrue(main.contains(t.facts.get("VERSION").endsWith(" 8") || t.facts.get("VERSION").endsWith(" 9")
                    || t.facts.get("VERSION").endsWith(" 10") ? "|m|" : "|K.m|"), main);

            // Sub-interpreter: its thread shows up in interpreter 1 with the sub-interpreter's frames, in the file
            // name its code reports ("<string>" for run_string up to 3.13, "<script>" on 3.14).
            String sub = t.facts.get("SUB");
            if (sub != null) {
                String[] subFacts = sub.split(" ", 2);
                long subTid = Long.parseLong(subFacts[0]);
                String subFile = subFacts[1];
                ThreadStack inSub = null;
                for (int attempt = 0; attempt < 100 && inSub == null; attempt++) {
                    WalkResult r = w.walk();
                    ThreadStack c = find(r, subTid, 1);
                    if (c != null && describe(c).equals(subFile + "|<module>|5;" + subFile + "|in_sub|4")) {
                        inSub = c;
                        assertNotNull(find(r, subTid, 0), "the same OS thread in the main interpreter");
                        assertEquals(2, r.interpreterCount());
                        assertEquals(1, r.interpreterId(0));
                    } else {
                        Thread.sleep(50);
                    }
                }
                assertNotNull(inSub, "sub-interpreter thread " + subTid + " in " + w.walk());
                assertFalse(inSub.invalid());
            }

            WalkResult r = w.walk();
            int frames = 0;
            for (int i = 0; i < r.threadCount(); i++) {
                frames += r.thread(i).depth();
            }
            Stats s = measure(w, mem, 2000);
            System.out.printf("[walker] %s full target: threads=%d frames=%d calls/pass=%.1f"
                    + " wall=%.1f us cpu=%.1f us per pass%n", python, r.threadCount(), frames, s.calls,
                    s.wallUs, s.cpuUs);
        }
    }

    @ParameterizedTest
    @MethodSource("pythons")
    void recursionDepth10And100(String python) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(python)), python + " not installed");
        for (int depth : new int[] {10, 100}) {
            try (Target t = new Target(python, "depth", Integer.toString(depth));
                    ProcessVmMemory mem = ProcessVmMemory.open((int) t.process.pid())) {
                t.awaitReady();
                InterpreterWalker w = t.walker(mem);
                String[] p = t.stacks.get(0).split(" ");
                Map<String, String> seen = match(w, Map.of(Long.parseLong(p[1]), p[2]));
                assertEquals(p[2], seen.get(p[1]));
                WalkResult r = w.walk();
                Stats s = measure(w, mem, 3000);
                System.out.printf("[walker] %s depth=%d frames=%d calls/pass=%.1f"
                        + " wall=%.1f us cpu=%.1f us per pass%n", python, depth, r.thread(0).depth(), s.calls,
                        s.wallUs, s.cpuUs);
            }
        }
    }

    /** A thread looping on gc.collect(): some passes see the GC running and that thread holding the GIL. */
    @ParameterizedTest
    @MethodSource("pythons")
    void gcAndGilOnABusyTarget(String python) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(python)), python + " not installed");
        try (Target t = new Target(python, "busy"); ProcessVmMemory mem = ProcessVmMemory.open((int) t.process.pid())) {
            t.awaitReady();
            long busy = Long.parseLong(t.facts.get("BUSY"));
            InterpreterWalker w = t.walker(mem);
            int passes = 400;
            int gc = 0;
            int busyHolds = 0;
            int mainHolds = 0;
            for (int i = 0; i < passes; i++) {
                WalkResult r = w.walk();
                gc += r.interpreterCount() > 0 && r.gcCollecting(0) ? 1 : 0;
                ThreadStack b = find(r, busy, 0);
                ThreadStack m = find(r, t.pid(), 0);
                busyHolds += b != null && b.holdsGil() ? 1 : 0;
                mainHolds += m != null && m.holdsGil() ? 1 : 0;
                Thread.sleep(1);
            }
            System.out.printf("[walker] %s busy target: gc collecting in %d/%d passes, GIL held by the busy thread"
                    + " in %d, by the sleeping main thread in %d%n", python, gc, passes, busyHolds, mainHolds);
            assertTrue(gc > 0, "GC never seen running");
            assertTrue(busyHolds > 0, "the busy thread never seen holding the GIL");
            assertTrue(mainHolds < passes / 10, "the sleeping thread should rarely hold the GIL");
        }
    }

    /**
     * A thread that keeps compiling new functions and recursing to random depths, sampled without pause: no pass may
     * throw, and stacks read whole must look like that thread's.
     */
    @ParameterizedTest
    @MethodSource("pythons")
    void churningTargetNeverBreaksTheWalk(String python) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(python)), python + " not installed");
        try (Target t = new Target(python, "churn");
                ProcessVmMemory mem = ProcessVmMemory.open((int) t.process.pid())) {
            t.awaitReady();
            InterpreterWalker w = t.walker(mem);
            int passes = 3000;
            int invalid = 0;
            int churning = 0;
            int truncated = 0;
            long calls = 0;
            for (int i = 0; i < passes; i++) {
                WalkResult r = w.walk();
                calls += r.calls();
                for (int k = 0; k < r.threadCount(); k++) {
                    ThreadStack s = r.thread(k);
                    if (s.nativeThreadId() == t.pid()) {
                        continue;
                    }
                    if (s.invalid()) {
                        invalid++;
                    } else if (s.depth() > 0) {
                        churning++;
                        // A stack read while frames are freed and reused can end early (f_back already cleared)
                        // without any invalid pointer: cpython.md §11 saw this in a few percent on 3.8-3.10.
                        truncated += s.frame(0).frame().scope().endsWith("_bootstrap") ? 0 : 1;
                    }
                }
            }
            System.out.printf("[walker] %s churn: %d passes, %d valid stacks (%d not rooted in _bootstrap),"
                    + " %d invalid, %.2f calls/pass, unexpected=%d%n", python, passes, churning, truncated, invalid,
                    calls / (double) passes, w.unexpectedErrors());
            assertEquals(0, w.unexpectedErrors());
            assertTrue(invalid < passes / 10, invalid + " invalid stacks");
            assertTrue(truncated < passes / 10, truncated + " truncated stacks");
        }
    }

    record Stats(double calls, double wallUs, double cpuUs) {
    }

    static Stats measure(InterpreterWalker w, RemoteMemory mem, int passes) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < passes; i++) {
            w.walk();
        }
        long c0 = mem.calls();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < passes; i++) {
            w.walk();
        }
        long t1 = System.nanoTime();
        long cpu1 = mx.getCurrentThreadCpuTime();
        return new Stats((mem.calls() - c0) / (double) passes,
                (t1 - t0) / 1e3 / passes, (cpu1 - cpu0) / 1e3 / passes);
    }
}
