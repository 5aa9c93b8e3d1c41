package io.austin.sampler;

/**
 * Counters of one sampling run, for the statistics banner and the pipe-mode footer. Updated by the sampling
 * thread; read them after the run (or accept slightly stale values while it runs).
 */
public final class SamplerStats {
    long samples;
    long errors;
    long saturated;
    long minMicros = Long.MAX_VALUE;
    long maxMicros;
    long sumMicros;
    long passes;
    long lateTicks;
    long calls;
    long gcMicros;
    long durationMicros;

    SamplerStats() {
    }

    void sample(long micros, boolean invalid, long intervalMicros) {
        samples++;
        if (invalid) {
            errors++;
        }
        if (micros > intervalMicros) {
            saturated++;
        }
        if (micros < minMicros) {
            minMicros = micros;
        }
        if (micros > maxMicros) {
            maxMicros = micros;
        }
        sumMicros += micros;
    }

    /** Samples emitted. */
    public long samples() {
        return samples;
    }

    /** Samples that carried {@code :INVALID:}. */
    public long errors() {
        return errors;
    }

    /** Samples whose production took longer than the interval. */
    public long saturated() {
        return saturated;
    }

    /** Shortest time to produce a sample, µs (0 without samples). */
    public long minMicros() {
        return samples == 0 ? 0 : minMicros;
    }

    /** Mean time to produce a sample, µs (0 without samples). */
    public long avgMicros() {
        return samples == 0 ? 0 : sumMicros / samples;
    }

    /** Longest time to produce a sample, µs. */
    public long maxMicros() {
        return maxMicros;
    }

    /** Passes over the target. */
    public long passes() {
        return passes;
    }

    /** Timer ticks that arrived while the previous pass was still being delivered, and were skipped. */
    public long lateTicks() {
        return lateTicks;
    }

    /** Memory-read system calls made. */
    public long calls() {
        return calls;
    }

    /** Sum of the time metric of samples taken while the GC ran, µs (Austin's {@code gc} footer). */
    public long gcMicros() {
        return gcMicros;
    }

    /** µs from the start of sampling to its end (0 while running). */
    public long durationMicros() {
        return durationMicros;
    }
}
