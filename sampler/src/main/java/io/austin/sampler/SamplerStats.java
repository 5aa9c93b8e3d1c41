package io.austin.sampler;

/**
 * The counters of one sampling run, for the statistics banner and the pipe-mode footer: a snapshot taken when
 * {@link Sampler.Run#stats()} is called (complete once the stream has terminated).
 *
 * @param samples        samples emitted
 * @param errors         samples that carried {@code :INVALID:}
 * @param saturated      samples whose production took longer than the interval (none with no interval)
 * @param minMicros      shortest time to produce a sample, µs (0 without samples)
 * @param avgMicros      mean time to produce a sample, µs (0 without samples)
 * @param maxMicros      longest time to produce a sample, µs
 * @param passes         passes over the targets
 * @param lateTicks      ticks skipped because the previous pass overran them or the subscriber had not taken the
 *                       earlier samples
 * @param calls          memory-read system calls made
 * @param gcMicros       sum of the time metric of samples taken while the GC ran, µs (Austin's {@code gc} footer)
 * @param durationMicros µs from the start of sampling to its end (0 while running)
 * @param processes      how many processes were sampled over the run (more than one with children)
 */
public record SamplerStats(long samples, long errors, long saturated, long minMicros, long avgMicros,
        long maxMicros, long passes, long lateTicks, long calls, long gcMicros, long durationMicros,
        long processes) {
}
