package io.austin.sampler.internal.linux;

/** Per-thread kernel settings for the sampler's own threads. */
public final class Threads {
    private Threads() {
    }

    /**
     * Asks the kernel to wake the calling thread within {@code nanos} of its deadlines. The default slack is 50 µs,
     * half of Austin's default interval: with it every timed wait oversleeps and the achieved rate drops. Returns
     * false where it cannot be set (no native binding).
     */
    public static boolean timerSlack(long nanos) {
        return LibC.available() && LibC.prctl(LibC.PR_SET_TIMERSLACK, Math.max(1, nanos), 0, 0, 0) == 0;
    }
}
