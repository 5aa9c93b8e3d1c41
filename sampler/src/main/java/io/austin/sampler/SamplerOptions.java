package io.austin.sampler;

import java.time.Duration;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How to sample: Austin 3.7's options as values. Build from {@link #defaults()} with the {@code withX} methods.
 *
 * @param interval  time between two passes over the target; {@link Duration#ZERO} samples as fast as possible
 * @param mode      what each sample measures (spec A.5)
 * @param gc        whether to mark samples taken while the garbage collector runs ({@code -g})
 * @param pipe      pipe mode ({@code -P}): adds the {@code python} header and the statistics footer
 * @param exposure  stop after this long ({@code -x}); null to sample until the target ends
 * @param timeout   how long to wait for the target's interpreter at start-up ({@code -t})
 * @param scheduler the timer the passes run on; a virtual-time scheduler in tests
 * @param stop      sampling ends (the footer is still emitted) when this publisher signals; {@code Mono.never()}
 *                  by default. The CLI triggers it from SIGINT and SIGTERM.
 */
public record SamplerOptions(Duration interval, Mode mode, boolean gc, boolean pipe, Duration exposure,
        Duration timeout, Scheduler scheduler, Publisher<?> stop) {

    /** The Austin version whose output this sampler reproduces, written as the {@code austin} metadata. */
    public static final String AUSTIN_FORMAT_VERSION = "3.7.0";

    /** What a sample measures. */
    public enum Mode {
        /** Wall-clock time, every thread ({@code # mode: wall}). */
        WALL("wall"),
        /** Time, only threads running on a CPU ({@code -s}, {@code # mode: cpu}). */
        CPU("cpu"),
        /** Resident memory deltas ({@code -m}, {@code # mode: memory}). */
        MEMORY("memory"),
        /** Time, idle flag and memory delta ({@code -f}, {@code # mode: full}). */
        FULL("full");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        /** The value of the {@code mode} metadata. */
        public String text() {
            return text;
        }
    }

    public SamplerOptions {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(stop, "stop");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("negative interval " + interval);
        }
        if (exposure != null && (exposure.isNegative() || exposure.isZero())) {
            throw new IllegalArgumentException("exposure must be positive: " + exposure);
        }
    }

    /** Austin's defaults: 100 µs, wall time, 1 s start-up time-out, a dedicated timer thread, no exposure. */
    public static SamplerOptions defaults() {
        return new SamplerOptions(Duration.ofNanos(100_000), Mode.WALL, false, false, null, Duration.ofSeconds(1),
                Schedulers.single(), Mono.never());
    }

    /** These options with another interval. */
    public SamplerOptions withInterval(Duration value) {
        return new SamplerOptions(value, mode, gc, pipe, exposure, timeout, scheduler, stop);
    }

    /** These options with another mode. */
    public SamplerOptions withMode(Mode value) {
        return new SamplerOptions(interval, value, gc, pipe, exposure, timeout, scheduler, stop);
    }

    /** These options with GC marking on or off. */
    public SamplerOptions withGc(boolean value) {
        return new SamplerOptions(interval, mode, value, pipe, exposure, timeout, scheduler, stop);
    }

    /** These options with pipe mode on or off. */
    public SamplerOptions withPipe(boolean value) {
        return new SamplerOptions(interval, mode, gc, value, exposure, timeout, scheduler, stop);
    }

    /** These options with an exposure (null: none). */
    public SamplerOptions withExposure(Duration value) {
        return new SamplerOptions(interval, mode, gc, pipe, value, timeout, scheduler, stop);
    }

    /** These options with another start-up time-out. */
    public SamplerOptions withTimeout(Duration value) {
        return new SamplerOptions(interval, mode, gc, pipe, exposure, value, scheduler, stop);
    }

    /** These options with another timer. */
    public SamplerOptions withScheduler(Scheduler value) {
        return new SamplerOptions(interval, mode, gc, pipe, exposure, timeout, value, stop);
    }

    /** These options with a stop trigger. */
    public SamplerOptions withStop(Publisher<?> value) {
        return new SamplerOptions(interval, mode, gc, pipe, exposure, timeout, scheduler, value);
    }

    /** The interval in whole microseconds, as the {@code interval} metadata shows it. */
    public long intervalMicros() {
        return interval.toNanos() / 1000;
    }
}
