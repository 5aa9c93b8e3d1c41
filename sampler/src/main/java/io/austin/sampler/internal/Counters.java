package io.austin.sampler.internal;

import io.austin.sampler.SamplerStats;

/**
 * The mutable counters of a run, written by its sampling thread; {@link #snapshot()} copies them into the public
 * {@link SamplerStats}. Fields are volatile-free on purpose: a snapshot taken while the run goes on may be slightly
 * stale, one taken after the stream has terminated is exact (the termination signal orders the writes).
 */
public final class Counters {
    long samples;
    long errors;
    long saturated;
    long minMicros = Long.MAX_VALUE;
    long maxMicros;
    long sumMicros;
    long passes;
    /** Passes over all the processes, and those that took longer than the interval (Austin 4's saturation). */
    long ticks;
    long longTicks;
    long lateTicks;
    long calls;
    long gcMicros;
    long durationMicros;
    long processes;

    /**
     * Counts one emitted sample that took {@code micros} to produce. With no interval ({@code -i 0}) nothing is
     * "longer than the interval".
     */
    void sample(long micros, boolean invalid, long intervalMicros) {
        samples++;
        if (invalid) {
            errors++;
        }
        if (intervalMicros > 0 && micros > intervalMicros) {
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

    /** Counts one pass over every process that took {@code micros}. */
    void tick(long micros, long intervalMicros) {
        ticks++;
        if (intervalMicros > 0 && micros > intervalMicros) {
            longTicks++;
        }
    }

    long minMicros() {
        return samples == 0 ? 0 : minMicros;
    }

    long avgMicros() {
        return samples == 0 ? 0 : sumMicros / samples;
    }

    /** The counters as they are now. */
    public SamplerStats snapshot() {
        return new SamplerStats(samples, errors, saturated, minMicros(), avgMicros(), maxMicros, passes, lateTicks,
                calls, gcMicros, durationMicros, processes);
    }
}
