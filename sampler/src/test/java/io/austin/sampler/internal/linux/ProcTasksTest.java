package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProcTasksTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    /** The native calls are made ready, as a run does once it samples (until then it reads with Java I/O). */
    @BeforeAll
    static void bind() {
        NativeBinding.bindNow();
    }

    private static char parse(final String stat) {
        final byte[] b = stat.getBytes(StandardCharsets.UTF_8);
        return ProcTasks.parseState(b, b.length);
    }

    @Test
    void stateIsTheLetterAfterTheLastParenthesis() {
        assertEquals('S', parse("1234 (python3) S 1 1234 1234 0 -1 4194560"));
        assertEquals('R', parse("99 (a) b) R 1 2 3"), "the name may contain ')' and blanks");
        assertEquals('D', parse("7 ())) D 1"));
        assertEquals(ProcTasks.UNKNOWN_STATE, parse("7 (x"));
        assertEquals(ProcTasks.UNKNOWN_STATE, parse("7 (x)   "));
        assertEquals(ProcTasks.UNKNOWN_STATE, ProcTasks.parseState(new byte[8], -1));
        final byte[] b = "1 (x) R".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ProcTasks.UNKNOWN_STATE, ProcTasks.parseState(b, 5), "only the bytes read count");
    }

    @Test
    void statmSecondField() {
        final byte[] b = "12345 678 90 1 0 2 0\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(678, ProcTasks.parseSecondField(b, b.length));
        assertEquals(-1, ProcTasks.parseSecondField(b, 6));
        assertEquals(-1, ProcTasks.parseSecondField(new byte[4], 0));
    }

    /**
     * This process's open files that ProcTasks opens: its own and its threads' stat, statm and schedstat. Only those:
     * the JVM and the test runner open and close other files on their own threads at any moment.
     */
    private static long openFiles() throws Exception {
        final java.util.regex.Pattern ours =
                java.util.regex.Pattern.compile("/proc/" + SELF + "/(task/\\d+/)?(stat|statm|schedstat)");
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                        try {
                            return ours.matcher(Files.readSymbolicLink(fd).toString()).matches();
                        } catch (final java.io.IOException e) {
                            return false; // closed since the listing
                        }
                    })
                    .count();
        }
    }

    /** Before the binding: Java I/O, nothing kept open; from the first call after it, the files stay open. */
    @Test
    void javaIoUntilTheBindingIsMadeThenFilesKeptOpen() throws Exception {
        assumeTrue(LibC.available(), "JNA");
        final java.util.concurrent.atomic.AtomicBoolean bound = new java.util.concurrent.atomic.AtomicBoolean();
        final long before = openFiles();
        try (ProcTasks tasks = new ProcTasks(SELF, bound::get)) {
            for (int i = 0; i < 3; i++) {
                assertEquals('R', tasks.state(gettid()), "this thread runs");
                assertFalse(tasks.processGone());
                assertTrue(tasks.residentBytes() > 0);
            }
            assertEquals(before, openFiles(), "Java I/O: each file opened, read and closed");
            bound.set(true);
            for (int i = 0; i < 3; i++) {
                assertEquals('R', tasks.state(gettid()));
                assertFalse(tasks.processGone());
                assertTrue(tasks.residentBytes() > 0);
            }
            assertEquals(before + 3, openFiles(), "native: the thread's stat, the process's stat and statm stay open");
        }
        assertEquals(before, openFiles());
    }

    /**
     * Thread files stay open between passes and are read again from the start; a thread that ends has its file
     * closed when it is next asked about, the table sweeps ended threads when full, and close() releases the rest.
     */
    @Test
    void threadFilesStayOpenUntilTheThreadEndsOrTheTableCloses() throws Exception {
        assumeTrue(LibC.available(), "JNA");
        final long before = openFiles();
        final java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        final List<Thread> threads = new java.util.ArrayList<>();
        final int[] tids = new int[ProcTasks.MAX_OPEN + 40];
        try (ProcTasks tasks = new ProcTasks(SELF)) {
            for (int i = 0; i < tids.length; i++) {
                final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
                final int index = i;
                final Thread t = new Thread(() -> {
                    tids[index] = gettid();
                    started.countDown();
                    try {
                        stop.await();
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.setDaemon(true);
                t.start();
                started.await();
                threads.add(t);
            }
            for (int i = 0; i < 10; i++) {
                assertEquals('S', tasks.state(tids[i]), "a parked thread sleeps");
            }
            final long opened = openFiles();
            for (int i = 0; i < 10; i++) {
                assertEquals('S', tasks.state(tids[i]));
            }
            assertEquals(opened, openFiles(), "asked again: the same files, read from the start");
            assertEquals(before + 10, opened);
            stop.countDown();
            for (final Thread t : threads) {
                t.join();
            }
            // A joined Java thread's OS thread can still be exiting: wait until the kernel has let them go.
            final long deadline = System.nanoTime() + 10_000_000_000L;
            for (final int tid : tids) {
                while (Files.exists(Path.of("/proc/self/task/" + tid)) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(ProcTasks.UNKNOWN_STATE, tasks.state(tids[i]), "an ended thread");
            }
            assertEquals(before, openFiles(), "the ended threads' files are closed");
            // More ended threads than the table holds: asked once each, their files are closed at once; the own
            // thread's file is opened and kept.
            for (int i = 0; i < tids.length; i++) {
                tasks.state(tids[i]);
            }
            assertEquals(ProcTasks.UNKNOWN_STATE, tasks.state(tids[tids.length - 1]));
            assertEquals('R', tasks.state(gettid()), "the asking thread runs");
            assertEquals(before + 1, openFiles());
            assertTrue(tasks.residentBytes() > 0);
            assertFalse(tasks.processGone());
            assertEquals(before + 3, openFiles(), "stat and statm of the process stay open too");
        }
        assertEquals(before, openFiles(), "close() releases everything");
    }

    /** The calling thread's TID, from the link /proc/thread-self ("PID/task/TID"). */
    private static int gettid() {
        try {
            final String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Where the busy loop's result goes, so that it is computed. */
    private static volatile long sink;

    @Test
    void schedstatFirstField() {
        final byte[] b = "8123456789 1793170 2\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(8_123_456_789L, ProcTasks.parseFirstField(b, b.length));
        assertEquals(-1, ProcTasks.parseFirstField(b, 0));
        assertEquals(-1, ProcTasks.parseFirstField(" 1 2".getBytes(StandardCharsets.US_ASCII), 4));
    }

    /**
     * A thread's CPU time as the kernel counts it, natively and through Java I/O: it grows by about what the thread
     * computed (it moves at the scheduler's ticks while the thread runs, and is exact when the thread sleeps).
     */
    @Test
    void aThreadsCpuTimeGrowsByWhatItComputed() throws Exception {
        for (final boolean nativeIo : new boolean[] {true, false}) {
            if (nativeIo && !LibC.available()) {
                continue;
            }
            final long[] tid = {0};
            final long[] own = {0};
            final long[] seen = {0, 0};
            try (ProcTasks tasks = new ProcTasks(SELF, nativeIo)) {
                final Thread t = new Thread(() -> {
                    tid[0] = Long.parseLong(readLink("/proc/thread-self").replaceAll(".*/", ""));
                    final java.lang.management.ThreadMXBean bean =
                            java.lang.management.ManagementFactory.getThreadMXBean();
                    seen[0] = tasks.cpuNanos((int) tid[0]);
                    final long start = bean.getCurrentThreadCpuTime();
                    long x = 0;
                    while (bean.getCurrentThreadCpuTime() - start < 100_000_000L) {
                        x += System.nanoTime() & 1;
                    }
                    own[0] = bean.getCurrentThreadCpuTime() - start;
                    sink = x;
                    try {
                        Thread.sleep(5); // leaves the CPU: the count is brought up to date
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    seen[1] = tasks.cpuNanos((int) tid[0]);
                });
                t.start();
                t.join();
            }
            final long grew = seen[1] - seen[0];
            assertTrue(seen[0] >= 0 && grew >= own[0] * 0.9 && grew <= own[0] + 20_000_000L,
                    "native " + nativeIo + ": the count grew " + grew + " ns for " + own[0] + " ns computed");
        }
        try (ProcTasks tasks = new ProcTasks(SELF)) {
            assertEquals(-1, tasks.cpuNanos(0));
            assertEquals(-1, tasks.cpuNanos(Integer.MAX_VALUE), "no such thread");
        }
    }

    private static String readLink(final String path) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of(path)).toString();
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void fdTableFindsRemovesAndGrowsWithoutBoxing() {
        final FdTable t = new FdTable(4);
        assertEquals(-1, t.get(7));
        for (int tid = 1; tid <= 4; tid++) {
            t.put(tid * 1000, tid + 100);
        }
        assertTrue(t.full());
        assertEquals(103, t.get(3000));
        t.remove(3000);
        assertEquals(-1, t.get(3000));
        assertFalse(t.full());
        for (int round = 0; round < 100; round++) { // tombstones never fill the table
            t.put(5000 + round, 7);
            t.remove(5000 + round);
        }
        assertEquals(3, t.size());
        assertEquals(104, t.get(4000));
        t.put(4000, 9);
        assertEquals(9, t.get(4000));
        assertEquals(3, t.size());
    }

    @Test
    void threadsOfThisJvm() {
        try (ProcTasks tasks = new ProcTasks(SELF)) {
            final int[] tids = tasks.threadIds();
            assertTrue(tids.length > 3, Arrays.toString(tids));
            assertTrue(Arrays.binarySearch(tids, SELF) >= 0, "the main thread's TID is the PID");
            for (final int tid : tids) {
                final char state = tasks.state(tid);
                // Threads may exit between listing and reading; anything else must be a real state letter.
                assertTrue(state == ProcTasks.UNKNOWN_STATE || "RSDZTtWXIKPx".indexOf(state) >= 0,
                        "state " + state);
            }
        }
    }

    @Test
    void sleepingAndBusyTargets() throws Exception {
        final String python = Targets.INTERPRETERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElse(null);
        assumeTrue(python != null, "no Python interpreter installed");
        try (Targets.Target sleeper = Targets.spawn(List.of("/bin/sleep", "30"), false);
                Targets.Target busy = Targets.spawn(List.of(python, "-S", "-c",
                        "print('go', flush=True)\nwhile True: pass"), true);
                ProcTasks sleeping = new ProcTasks(sleeper.pid());
                ProcTasks spinning = new ProcTasks(busy.pid())) {
            assertEquals(sleeper.pid(), sleeping.threadIds()[0]);
            char state = 'R';
            for (int i = 0; i < 200 && state != 'S'; i++) {
                Thread.sleep(5);
                state = sleeping.state(sleeper.pid());
            }
            assertEquals('S', state);
            assertFalse(sleeping.isRunning(sleeper.pid()));
            int running = 0;
            for (int i = 0; i < 200; i++) {
                if (spinning.isRunning(busy.pid())) {
                    running++;
                }
            }
            // Two shared cores: the spinner is usually, not always, on a CPU when we look.
            assertTrue(running > 0, "a spinning thread is seen running");
            final long rss = spinning.residentBytes();
            assertTrue(rss > 1 << 20 && rss < ProcTasks.totalMemoryKiB() * 1024, "rss " + rss);
            assertTrue(sleeping.residentBytes() > 0);
        }
    }

    @Test
    void residentBytesMatchesStatus() throws Exception {
        try (Targets.Target sleeper = Targets.spawn(List.of("/bin/sleep", "30"), false);
                ProcTasks tasks = new ProcTasks(sleeper.pid())) {
            Thread.sleep(100);
            long vmRssKiB = -1;
            for (final String line : Files.readAllLines(Path.of("/proc", Integer.toString(sleeper.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    vmRssKiB = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            assertEquals(vmRssKiB * 1024, tasks.residentBytes());
        }
    }

    @Test
    void theJavaFallbackAgreesWithNativeReads() throws Exception {
        try (Targets.Target sleeper = Targets.spawn(List.of("/bin/sleep", "30"), false);
                ProcTasks natives = new ProcTasks(sleeper.pid(), true);
                ProcTasks java = new ProcTasks(sleeper.pid(), false)) {
            Thread.sleep(100);
            assertEquals(natives.state(sleeper.pid()), java.state(sleeper.pid()));
            assertEquals('S', java.state(sleeper.pid()));
            assertEquals(natives.residentBytes(), java.residentBytes());
            assertEquals(ProcTasks.UNKNOWN_STATE, java.state(Integer.MAX_VALUE));
        }
    }

    @Test
    void machineMemoryAndPageSize() {
        final long page = ProcTasks.pageSize();
        assertTrue(page >= 4096 && Long.bitCount(page) == 1, "page " + page);
        final long total = ProcTasks.totalMemoryKiB();
        assertEquals(ProcTasks.memTotalKiB(), total, "sysconf agrees with /proc/meminfo");
        assertTrue(total > 64 * 1024);
    }

    @Test
    void aVanishedProcess() throws Exception {
        final int pid = Targets.vanishedPid();
        try (ProcTasks tasks = new ProcTasks(pid)) {
            assertEquals(ProcTasks.UNKNOWN_STATE, tasks.state(pid));
            assertFalse(tasks.isRunning(pid));
            assertEquals(-1, tasks.residentBytes());
            final SamplerException e = assertThrows(SamplerException.class, tasks::threadIds);
            assertEquals(Reason.NO_SUCH_PROCESS, e.reason());
            assertEquals(ProcTasks.UNKNOWN_STATE, tasks.state(-5));
            tasks.close();
            assertThrows(IllegalStateException.class, () -> tasks.state(pid));
        }
        assertThrows(IllegalArgumentException.class, () -> new ProcTasks(0));
    }
}
