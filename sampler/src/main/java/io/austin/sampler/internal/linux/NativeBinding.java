package io.austin.sampler.internal.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * When JNA's binding of the C library is made, and whether anyone has to wait for it. Binding costs about 50 ms of a
 * cold start (JNA's own set-up and the {@code java.util.logging} start it triggers), more than everything else between
 * the command line and the target's first line; the sampler does not wait for it. Until it is bound, the target's
 * memory is read through {@code /proc/PID/mem} and its {@code /proc} files with Java I/O; afterwards through the
 * native calls ({@code process_vm_readv}, {@code pread}), and the sampling thread's slack and priority are set then.
 *
 * <p>{@link #bound()} never blocks: it answers false while the binding is being made, where a plain use of
 * {@code LibC} would wait for the class's initialisation on another thread. Thread-safe.
 */
public final class NativeBinding {
    /** The binding has been attempted (made or failed): {@code LibC} is initialised and can be asked at once. */
    private static volatile boolean settled;
    private static volatile boolean started;
    private static Runnable warmUp = () -> { };
    private static final List<Runnable> WAITING = new ArrayList<>();
    private static final int MAX_WAITING = 64;

    private NativeBinding() {
    }

    /** True once the native calls are usable; false while they are being bound, and for good where they cannot be. */
    public static boolean bound() {
        return settled && LibC.available();
    }

    /** True once binding has been attempted, whatever came of it. */
    public static boolean settled() {
        return settled;
    }

    /** Makes the binding on the calling thread, if not made yet, and runs the actions that waited for it. */
    public static boolean bindNow() {
        if (!settled) {
            LibC.available(); // class initialisation: concurrent callers wait for the first
            List<Runnable> run;
            synchronized (WAITING) {
                settled = true;
                run = new ArrayList<>(WAITING);
                WAITING.clear();
            }
            for (Runnable r : run) {
                try {
                    r.run();
                } catch (RuntimeException | LinkageError e) {
                    // an action that waited is on its own: the others still run
                }
            }
        }
        return LibC.available();
    }

    /**
     * What to run on the binding's thread once it is bound and before the sampler is told (to load the native paths'
     * classes first); replaces any earlier one, and comes too late for a binding already started.
     */
    public static void warmUpWith(Runnable warm) {
        synchronized (WAITING) {
            warmUp = warm;
        }
    }

    /**
     * Starts binding on a daemon thread of its own, once, and returns at once. A run starts it after its first pass:
     * spent earlier, its CPU time delays the target's start, the attach and the first sample.
     */
    public static void bindInBackground() {
        if (started || settled) {
            return;
        }
        Runnable warm;
        synchronized (WAITING) {
            if (started || settled) {
                return;
            }
            started = true;
            warm = warmUp;
        }
        // A class, not a lambda: this runs on the sampling thread at its first pass, where linking a lambda's call
        // site costs a cold JVM most of a millisecond.
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                if (LibC.available()) {
                    try {
                        warm.run(); // before the settling: the sampler switches to warm code
                    } catch (RuntimeException | LinkageError e) {
                        // nothing warmed: the sampler's first native calls pay for it
                    }
                }
                bindNow();
            }
        }, "austin-bind");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Runs the actions still waiting for the binding, making it on the calling thread if need be (tens of
     * milliseconds): for a process about to exit with messages for the system log still waiting. Nothing to do (and
     * nothing loaded) when none waits.
     */
    public static void flushWaiting() {
        synchronized (WAITING) {
            if (WAITING.isEmpty()) {
                return;
            }
        }
        bindNow();
    }

    /** Drops {@code action} if it still waits for the binding (it has nothing left to do). */
    public static void forget(Runnable action) {
        synchronized (WAITING) {
            WAITING.remove(action);
        }
    }

    /**
     * Runs {@code action} now if the binding is settled, or else on the binding's thread once it is (in the order
     * given; beyond {@value #MAX_WAITING} waiting actions, later ones are dropped: the callers are best-effort
     * messages). Does not start the binding: a run does, and a tool about to exit calls {@link #flushWaiting()}.
     * Returns false if it was dropped.
     */
    public static boolean whenSettled(Runnable action) {
        synchronized (WAITING) {
            if (!settled) {
                if (WAITING.size() >= MAX_WAITING) {
                    return false;
                }
                WAITING.add(action);
                return true;
            }
        }
        action.run();
        return true;
    }
}
