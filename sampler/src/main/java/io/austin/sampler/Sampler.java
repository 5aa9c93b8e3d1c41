package io.austin.sampler;

import io.austin.formats.StackEvent;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The CPython stack sampler as a stream: attach to a running Python process, or spawn a command, and emit
 * Austin's stack events (header metadata, one sample per thread per pass, footer metadata).
 *
 * <p>Every {@link SamplerOptions#interval()} the sampler walks every thread of every interpreter of the target,
 * reading its memory from outside with {@code process_vm_readv}: the target is never stopped and never written.
 * A thread whose stack cannot be fully read yields a sample that starts with {@code :INVALID:}; sampling goes on.
 *
 * <p>Samples carry {@link io.austin.formats.FrameRef}s with Austin's keys and no definitions: encode them with the
 * formats module's writers, which generate MOJO definitions the way Austin does.
 */
public final class Sampler {
    private Sampler() {
    }

    /**
     * Samples the running process {@code pid}.
     *
     * @see #run
     */
    public static Flux<StackEvent> attach(int pid, SamplerOptions options) {
        return attach(pid, options, run -> { });
    }

    /**
     * Starts {@code command} (inheriting this process's standard streams) and samples it.
     *
     * @see #run
     */
    public static Flux<StackEvent> spawn(List<String> command, SamplerOptions options) {
        return spawn(command, options, run -> { });
    }

    /**
     * The sampling stream, with a hook that receives the session's facts once it is attached.
     *
     * <p>Emits the header metadata as soon as the target's interpreter is found, then the samples of each pass, then
     * the footer metadata, and completes when the target ends, the exposure elapses or {@link SamplerOptions#stop()}
     * signals. Errors with a {@link SamplerException} (carrying Austin's exit status) if the target cannot be
     * attached: no such process, permission denied, not Python, unsupported build, start-up time-out. Passes run on
     * {@link SamplerOptions#scheduler()}; a tick that arrives while the previous pass is still being consumed
     * downstream is skipped and counted ({@link SamplerStats#lateTicks()}), never queued or turned into an error.
     * Cancelling stops sampling at once, without a footer; a spawned child is then terminated and reaped.
     *
     * @param target   opens the target (attach or spawn), on subscription
     * @param options  how to sample
     * @param attached receives the run's facts (runtime, statistics) once attached, on the subscribing thread
     */
    static Flux<StackEvent> run(java.util.function.Supplier<Target> target, SamplerOptions options,
            Consumer<Run> attached) {
        return Flux.using(
                () -> {
                    Session.prepare();
                    return Session.open(target.get(), options);
                },
                session -> {
                    attached.accept(new Run(session));
                    return events(session, options);
                },
                Session::close);
    }

    private static Flux<StackEvent> events(Session session, SamplerOptions options) {
        Duration period = options.interval().isZero() ? Duration.ofNanos(1) : options.interval();
        Mono<Object> stop = Flux.merge(
                // A value or a completion of the user's trigger both mean "stop" (a Sinks.Empty only completes).
                Flux.from(options.stop()).take(1).then(Mono.just(Boolean.TRUE)).cast(Object.class),
                session.target().exited().cast(Object.class).switchIfEmpty(Mono.just(Boolean.TRUE)),
                options.exposure() == null ? Mono.never()
                        : Mono.delay(options.exposure(), options.scheduler()).cast(Object.class))
                .next();
        Flux<StackEvent> samples = Flux.interval(Duration.ZERO, period, options.scheduler())
                .onBackpressureDrop(tick -> session.lateTick())
                .takeUntilOther(stop)
                .<List<StackEvent>>handle((tick, sink) -> {
                    List<StackEvent> events = session.pass();
                    if (events == null) {
                        sink.complete();
                    } else if (!events.isEmpty()) {
                        sink.next(events);
                    }
                })
                .concatMapIterable(events -> events, 1);
        return Flux.concat(
                Flux.defer(() -> Flux.fromIterable(session.header())),
                samples,
                Flux.defer(() -> Flux.fromIterable(session.footer())));
    }

    /** What a run knows once attached: the target's interpreter and the statistics, updated as it samples. */
    public static final class Run {
        private final Session session;

        Run(Session session) {
            this.session = session;
        }

        /** The target's process id. */
        public int pid() {
            return session.target().pid();
        }

        /** The target's CPython runtime. */
        public PythonRuntime runtime() {
            return session.runtime();
        }

        /** The run's counters (complete once the stream has terminated). */
        public SamplerStats stats() {
            return session.stats();
        }

        /** Whether this run started the target itself. */
        public boolean spawned() {
            return session.target().spawned();
        }
    }

    /**
     * Like {@link #attach(int, SamplerOptions)}, with a hook receiving the run's facts once attached (the CLI prints
     * the Python version and the statistics from it).
     */
    public static Flux<StackEvent> attach(int pid, SamplerOptions options, Consumer<Run> attached) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(attached, "attached");
        return run(() -> Target.attach(pid), options, attached);
    }

    /** Like {@link #spawn(List, SamplerOptions)}, with a hook receiving the run's facts once attached. */
    public static Flux<StackEvent> spawn(List<String> command, SamplerOptions options, Consumer<Run> attached) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(attached, "attached");
        List<String> copy = List.copyOf(command);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return run(() -> Target.spawn(copy), options, attached);
    }
}
