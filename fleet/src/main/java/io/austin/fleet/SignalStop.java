package io.austin.fleet;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How the long-running tools stop on SIGTERM or SIGINT: the signal wakes the main thread ({@link #await}), which
 * publishes, closes and counts, then reports its status ({@link #finished}); the JVM ends with that status. (A JVM
 * stopped by a signal otherwise exits 128 + the signal, whatever the main thread returns.)
 */
public final class SignalStop {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int status;

    /** Installs the shutdown hook; {@code grace} is how long a signal waits for the main thread. */
    public SignalStop(long graceMillis) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                done.await(graceMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(status);
        }, "austin-stop"));
    }

    /** Waits up to {@code millis} for a signal; true when one came. */
    public boolean await(long millis) throws InterruptedException {
        return stop.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The main thread is done: a pending signal ends the JVM with {@code code}. Returns {@code code}. */
    public int finished(int code) {
        status = code;
        done.countDown();
        return code;
    }
}
