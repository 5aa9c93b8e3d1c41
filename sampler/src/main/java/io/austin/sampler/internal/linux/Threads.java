package io.austin.sampler.internal.linux;

/** Per-thread kernel settings for the sampler's own threads. */
public final class Threads {
    private Threads() {
    }

    /**
     * Asks the kernel to wake the calling thread within {@code nanos} of its deadlines. The default slack is 50 µs,
     * half of Austin's default interval: with it every timed wait oversleeps and the achieved rate drops. Returns
     * false where it cannot be set (no native binding, or not yet: it is not waited for).
     */
    public static boolean timerSlack(long nanos) {
        return NativeBinding.bound() && LibC.prctl(LibC.PR_SET_TIMERSLACK, Math.max(1, nanos), 0, 0, 0) == 0;
    }

    /**
     * Adds {@code delta} to the calling thread's nice value (negative: a higher priority), relative to what it
     * inherited so that {@code nice -n 10 austin} still counts. False where it is not allowed (raising a priority
     * needs root, CAP_SYS_NICE or RLIMIT_NICE) or cannot be set (no native binding, or not yet).
     */
    public static boolean renice(int delta) {
        if (delta == 0 || !NativeBinding.bound()) {
            return false;
        }
        int now = LibC.getpriority(LibC.PRIO_PROCESS, 0);
        int wanted = Math.max(-20, Math.min(19, now + delta));
        return LibC.setpriority(LibC.PRIO_PROCESS, 0, wanted) == 0;
    }
}
