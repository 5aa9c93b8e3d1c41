package io.austin.sampler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sampling thread's own ticker: absolute deadlines, tasks from other threads, a failing task. */
class TickerTest {

    /** A tick re-arms itself at absolute deadlines: twenty ticks 2 ms apart never come early. */
    @Test
    void ticksRunAtTheirDeadlinesNeverBefore() throws Exception {
        final Ticker ticker = Ticker.thread("ticker-test");
        final List<long[]> ticks = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        final long start = System.nanoTime();
        final long interval = 2_000_000L;
        final Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            final long now = System.nanoTime();
            final long due = start + ticks.size() * interval;
            ticks.add(new long[] {due, now});
            if (ticks.size() == 20) {
                done.countDown();
            } else {
                final long next = due + interval;
                ticker.runAt(next, next - System.nanoTime(), tick[0]);
            }
        };
        ticker.run(() -> ticker.runAt(start, 0, tick[0]));
        assertTrue(done.await(10, TimeUnit.SECONDS), "20 ticks in 10 s");
        ticker.dispose();
        for (final long[] t : ticks) {
            assertTrue(t[1] >= t[0], "a tick ran " + (t[0] - t[1]) + " ns before its deadline");
        }
        assertEquals(20, ticks.size());
    }

    /** A task that throws does not stop the thread: later tasks still run. */
    @Test
    void aFailingTaskDoesNotStopTheTicker() throws Exception {
        final Ticker ticker = Ticker.thread("ticker-test");
        final CountDownLatch later = new CountDownLatch(1);
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        final List<Throwable> reported = new ArrayList<>();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            ticker.run(() -> {
                throw new IllegalStateException("boom");
            });
            ticker.run(later::countDown);
            assertTrue(later.await(5, TimeUnit.SECONDS));
            assertEquals(1, reported.size());
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            ticker.dispose();
        }
    }

    /** Disposed: tasks are dropped and the thread ends. */
    @Test
    void disposedTickerRunsNothing() throws Exception {
        final Ticker ticker = Ticker.thread("ticker-test-disposed");
        ticker.dispose();
        final CountDownLatch ran = new CountDownLatch(1);
        ticker.run(ran::countDown);
        assertTrue(!ran.await(100, TimeUnit.MILLISECONDS));
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (threadAlive("ticker-test-disposed") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(!threadAlive("ticker-test-disposed"), "the thread ends");
    }

    private static boolean threadAlive(final String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
