package io.austin.sampler;

import io.austin.formats.Mode;
import java.time.Duration;
import java.util.Objects;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.scheduler.Scheduler;

/**
 * How to sample: Austin 3.7's options as values. Build from {@link #defaults()} with the {@code withX} methods.
 *
 * @param interval      time between two passes over the targets; {@link Duration#ZERO} samples as fast as possible
 * @param mode          what each sample measures (wall, cpu, memory, full)
 * @param gc            whether to mark samples taken while the garbage collector runs ({@code -g})
 * @param pipe          pipe mode ({@code -P}): adds the {@code python} header and the statistics footer
 * @param children      whether to sample the target's descendant processes too ({@code -C})
 * @param exposure      stop after this long ({@code -x}); null to sample until the targets end
 * @param timeout       how long to wait for the target's interpreter at start-up ({@code -t})
 * @param scheduler     the timer the passes and the emission run on, or null for the sampler's own dedicated
 *                      threads (tests pass a virtual-time scheduler)
 * @param stop          sampling ends (the footer is still emitted) when this publisher signals; by default one that
 *                      never does
 * @param trapSignals   whether the run catches SIGINT, SIGTERM and SIGHUP while it samples: it then forwards the
 *                      signal to a spawned target, stops with a footer, and reports the signal in
 *                      {@link Sampler.Run#stopSignal()} (the command line's behaviour; off for library use)
 * @param quietChild    whether a spawned command's standard output goes to {@code /dev/null} (as Austin does when
 *                      the samples go to standard output), instead of being inherited
 * @param queueCapacity how many samples may wait for a slow subscriber; when full, passes are skipped and counted
 * @param personality   which Austin the run behaves as where 3.7 and 4 differ (metadata, exposure)
 */
public record SamplerOptions(Duration interval, Mode mode, boolean gc, boolean pipe, boolean children,
        Duration exposure, Duration timeout, Scheduler scheduler, Publisher<?> stop, boolean trapSignals,
        boolean quietChild, int queueCapacity, Personality personality) {

    /** The Austin version that {@link Personality#AUSTIN_3} reproduces, written as its {@code austin} metadata. */
    public static final String AUSTIN_FORMAT_VERSION = "3.7.0";

    public SamplerOptions {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(personality, "personality");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("negative interval " + interval);
        }
        if (exposure != null && (exposure.isNegative() || exposure.isZero())) {
            throw new IllegalArgumentException("exposure must be positive: " + exposure);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (queueCapacity < 16) {
            throw new IllegalArgumentException("queue capacity must be at least 16: " + queueCapacity);
        }
    }

    /**
     * Austin's defaults: 100 µs, wall time, 1 s start-up time-out, no exposure, the sampler's own threads, signals not
     * trapped, the child's output inherited, room for 65,536 samples in flight, Austin 3.7's metadata.
     */
    public static SamplerOptions defaults() {
        return new SamplerOptions(Duration.ofNanos(100_000), Mode.WALL, false, false, false, null,
                Duration.ofSeconds(1), null, Never.INSTANCE, false, false, 1 << 16, Personality.AUSTIN_3);
    }

    /**
     * The default stop trigger, a publisher that never signals: {@code Mono.never()} without Reactor, whose classes
     * the command line would otherwise set up (a few milliseconds) before its program can start.
     */
    private static final class Never implements Publisher<Object>, Subscription {
        static final Never INSTANCE = new Never();

        @Override
        public void subscribe(Subscriber<? super Object> subscriber) {
            subscriber.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            // nothing, ever
        }

        @Override
        public void cancel() {
            // nothing to stop
        }

        @Override
        public String toString() {
            return "never";
        }
    }

    /**
     * Austin 4's defaults: as {@link #defaults()} with {@link Personality#AUSTIN_4} and a 3 s start-up time-out.
     */
    public static SamplerOptions austin4() {
        return defaults().withPersonality(Personality.AUSTIN_4).withTimeout(Duration.ofSeconds(3));
    }

    /** These options as another Austin (the metadata and the exposure's meaning; the time-out is kept). */
    public SamplerOptions withPersonality(Personality value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, exposure, timeout, scheduler, stop,
                trapSignals, quietChild, queueCapacity, value);
    }

    /** These options with another interval. */
    public SamplerOptions withInterval(Duration value) {
        return new SamplerOptions(value, mode, gc, pipe, children, exposure, timeout, scheduler, stop, trapSignals,
                quietChild, queueCapacity, personality);
    }

    /** These options with another mode. */
    public SamplerOptions withMode(Mode value) {
        return new SamplerOptions(interval, value, gc, pipe, children, exposure, timeout, scheduler, stop,
                trapSignals, quietChild, queueCapacity, personality);
    }

    /** These options with GC marking on or off. */
    public SamplerOptions withGc(boolean value) {
        return new SamplerOptions(interval, mode, value, pipe, children, exposure, timeout, scheduler, stop,
                trapSignals, quietChild, queueCapacity, personality);
    }

    /** These options with pipe mode on or off. */
    public SamplerOptions withPipe(boolean value) {
        return new SamplerOptions(interval, mode, gc, value, children, exposure, timeout, scheduler, stop,
                trapSignals, quietChild, queueCapacity, personality);
    }

    /** These options with children sampling on or off. */
    public SamplerOptions withChildren(boolean value) {
        return new SamplerOptions(interval, mode, gc, pipe, value, exposure, timeout, scheduler, stop, trapSignals,
                quietChild, queueCapacity, personality);
    }

    /** These options with an exposure (null: none). */
    public SamplerOptions withExposure(Duration value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, value, timeout, scheduler, stop, trapSignals,
                quietChild, queueCapacity, personality);
    }

    /** These options with another start-up time-out. */
    public SamplerOptions withTimeout(Duration value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, exposure, value, scheduler, stop, trapSignals,
                quietChild, queueCapacity, personality);
    }

    /** These options with another timer (null: the sampler's own threads). */
    public SamplerOptions withScheduler(Scheduler value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, exposure, timeout, value, stop, trapSignals,
                quietChild, queueCapacity, personality);
    }

    /** These options with a stop trigger. */
    public SamplerOptions withStop(Publisher<?> value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, exposure, timeout, scheduler, value,
                trapSignals, quietChild, queueCapacity, personality);
    }

    /** These options with SIGINT, SIGTERM and SIGHUP trapped, or not. */
    public SamplerOptions withTrapSignals(boolean value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, exposure, timeout, scheduler, stop, value,
                quietChild, queueCapacity, personality);
    }

    /** These options with a spawned command's standard output discarded, or inherited. */
    public SamplerOptions withQuietChild(boolean value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, exposure, timeout, scheduler, stop,
                trapSignals, value, queueCapacity, personality);
    }

    /** These options with another queue capacity. */
    public SamplerOptions withQueueCapacity(int value) {
        return new SamplerOptions(interval, mode, gc, pipe, children, exposure, timeout, scheduler, stop,
                trapSignals, quietChild, value, personality);
    }

    /** The interval in whole microseconds, as the {@code interval} metadata shows it. */
    public long intervalMicros() {
        return interval.toNanos() / 1000;
    }
}
