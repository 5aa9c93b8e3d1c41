package io.austin.sampler.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import reactor.core.scheduler.Scheduler;

/**
 * Where the sampling worker's tasks run, one at a time: tasks from any thread as soon as possible, and the next tick
 * at an absolute deadline (from the worker's own thread).
 */
interface Ticker {
    /** Runs {@code task} on the worker as soon as possible; nothing happens once the ticker is disposed. */
    void run(Runnable task);

    /**
     * Runs {@code task} on the worker at {@code deadline} ({@link System#nanoTime()} clock; {@code delayNanos} from
     * now). At most one timed task is pending; a new one replaces it. Called from the worker only.
     */
    void runAt(long deadline, long delayNanos, Runnable task);

    /** Stops running tasks; pending ones are dropped. */
    void dispose();

    /**
     * The clock of the deadlines of a ticker on {@code scheduler} (null: a thread of its own), in nanoseconds:
     * {@link System#nanoTime()}, unless the scheduler's time is virtual (tests), which is then the run's clock. A
     * real scheduler's clock is within a minute of the wall clock; a virtual one is not.
     */
    static LongSupplier clock(Scheduler scheduler) {
        if (scheduler == null || Math.abs(scheduler.now(TimeUnit.MILLISECONDS) - System.currentTimeMillis())
                < 60_000L) {
            return NanoClock.INSTANCE;
        }
        return () -> scheduler.now(TimeUnit.NANOSECONDS);
    }

    /** {@link System#nanoTime()}: a class, not a method reference (see SamplingRun's tasks). */
    enum NanoClock implements LongSupplier {
        INSTANCE;

        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }

    /** A ticker on a Reactor worker: the caller's scheduler, with its clock (virtual time in tests). */
    static Ticker on(Scheduler.Worker worker) {
        return new Ticker() {
            @Override
            public void run(Runnable task) {
                try {
                    worker.schedule(task);
                } catch (RejectedExecutionException disposed) {
                    // the run is over
                }
            }

            @Override
            public void runAt(long deadline, long delayNanos, Runnable task) {
                try {
                    worker.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException disposed) {
                    // the run is over
                }
            }

            @Override
            public void dispose() {
                worker.dispose();
            }
        };
    }

    /**
     * A ticker with a thread of its own that sleeps to each deadline ({@link LockSupport#parkNanos}, with the timer
     * slack the run asks for): nothing is allocated per tick, and no executor queue stands between the deadline and
     * the pass.
     */
    static Ticker thread(String name) {
        return new ThreadTicker(name);
    }

    /** See {@link #thread(String)}. */
    final class ThreadTicker implements Ticker, Runnable {
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean disposed;
        // The worker's own.
        private Runnable timed;
        private long deadline;

        private ThreadTicker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run(Runnable task) {
            if (!disposed) {
                tasks.add(task);
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void runAt(long at, long delayNanos, Runnable task) {
            timed = task;
            deadline = at;
        }

        @Override
        public void dispose() {
            disposed = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (!disposed) {
                Runnable task = tasks.poll();
                if (task != null) {
                    runSafely(task);
                    continue;
                }
                Runnable next = timed;
                if (next == null) {
                    LockSupport.park(this);
                    continue;
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    timed = null;
                    runSafely(next);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
            }
            tasks.clear();
        }

        /** A task that throws is reported as a worker's would be, and the thread goes on with the next ones. */
        private void runSafely(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler();
                handler.uncaughtException(thread, e);
            }
        }
    }
}
