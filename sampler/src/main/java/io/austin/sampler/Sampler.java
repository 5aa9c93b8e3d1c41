package io.austin.sampler;

import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.sampler.internal.FluxRun;
import io.austin.sampler.internal.RunWriter;
import io.austin.sampler.internal.Snapshots;
import io.austin.sampler.internal.Target;
import io.austin.sampler.internal.Warmup;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The CPython stack sampler as a stream: attach to a running Python process, or spawn a command, and emit Austin's
 * profile as whole samples: header metadata, one {@link io.austin.formats.Sample} per thread per pass, footer
 * metadata.
 *
 * <p>Every {@link SamplerOptions#interval()} the sampler walks every thread of every interpreter of the target,
 * reading its memory from outside with {@code process_vm_readv}: the target is never stopped and never written. A
 * thread whose stack cannot be fully read yields a sample marked invalid; sampling goes on. A thread whose stack
 * did not change since its previous sample carries the same frames list instance.
 *
 * <p>Samples carry {@link io.austin.formats.FrameRef}s with Austin's keys (code address and instruction offset):
 * encode them with the formats module's writers, which generate MOJO definitions the way Austin does.
 */
public final class Sampler {
    private Sampler() {
    }

    /** What a run knows once attached: its processes, the statistics, how it was stopped. */
    public interface Run {
        /** The target's process id. */
        int pid();

        /** The target's CPython runtime; null in children mode when the target itself is not Python. */
        PythonRuntime runtime();

        /**
         * Every process sampled so far, in the order they were found (children with
         * {@link SamplerOptions#children()}).
         */
        List<ProcessInfo> processes();

        /** The run's counters as they are now (exact once the stream has terminated). */
        SamplerStats stats();

        /** Whether this run started the target itself. */
        boolean spawned();

        /**
         * The signal that stopped the run (2 SIGINT, 15 SIGTERM, 1 SIGHUP) when signals are trapped, else 0; with
         * {@link Personality#AUSTIN_4}, 2 also when the exposure ended the run, as Austin 4 emulates Ctrl-C then.
         */
        int stopSignal();

        /** Time since sampling started. */
        Duration elapsed();

        /** The mode the samples are taken in. */
        Mode mode();
    }

    /**
     * Receives a run's news on the emitting thread, before the samples that follow them: the run once attached, then
     * each process found later (children mode). A lambda {@code run -> ...} is a listener of the attach alone.
     */
    @FunctionalInterface
    public interface Listener {
        /** The run is attached; called before the header is emitted. */
        void attached(Run run);

        /** Children mode: a Python process was found and is sampled from now on. */
        default void processAdded(Run run, ProcessInfo process) {
        }
    }

    /**
     * One process of a run.
     *
     * @param pid     the process id
     * @param runtime its CPython runtime
     * @param child   whether it was found as a descendant of the target (children mode)
     */
    public record ProcessInfo(int pid, PythonRuntime runtime, boolean child) {
    }

    /**
     * One look at every thread of a process, as Austin's where mode shows it.
     *
     * @param processes the processes looked at, the target first (its Python descendants follow with children)
     * @param samples   each thread's stack, root first, flagged {@link io.austin.formats.Sample#IDLE} when the thread
     *                  was not on a CPU and {@link io.austin.formats.Sample#INVALID} when it could not be read whole;
     *                  no metrics
     */
    public record Snapshot(List<ProcessInfo> processes, List<io.austin.formats.Sample> samples) {
    }

    /**
     * Loads and initialises, once per JVM, what stands between a target's start and its first sample (the native
     * binding, the layout table, the readers and the walker). Every run does it before it starts a target; a program
     * that has other start-up work to do (parsing its command line, say) may call this first from another thread so
     * that the two overlap. Thread-safe: a concurrent caller waits for the first one to finish; never throws.
     */
    public static void prepare() {
        Warmup.run();
    }

    /**
     * Every thread's current stack of the running process {@code pid} (and of its Python descendants with
     * {@link SamplerOptions#children()}): one pass, then detach. Emits the snapshot and completes, or errors with a
     * {@link SamplerException} as {@link #attach} would. Runs on the subscribing thread; the target is only read.
     */
    public static Mono<Snapshot> snapshot(int pid, SamplerOptions options) {
        Objects.requireNonNull(options, "options");
        return Mono.fromCallable(() -> Snapshots.take(pid, options));
    }

    /**
     * Samples the running process {@code pid}.
     *
     * @see #attach(int, SamplerOptions, Listener)
     */
    public static Flux<ProfileEvent> attach(int pid, SamplerOptions options) {
        return attach(pid, options, run -> { });
    }

    /**
     * Starts {@code command} and samples it.
     *
     * @see #spawn(List, SamplerOptions, Listener)
     */
    public static Flux<ProfileEvent> spawn(List<String> command, SamplerOptions options) {
        return spawn(command, options, run -> { });
    }

    /**
     * The sampling stream of the running process {@code pid}, with a listener that receives the run once attached.
     *
     * <p>On subscription the sampler attaches on its own thread: finds the target's Python runtime and waits for its
     * interpreter (up to {@link SamplerOptions#timeout()}). It then emits the header metadata, the samples of each
     * pass, and the footer metadata, and completes when the target ends (exits, or becomes a zombie nobody reaps), the
     * exposure elapses, {@link SamplerOptions#stop()} signals, or a trapped signal arrives. It errors with a
     * {@link SamplerException} (carrying Austin's exit status) if the target cannot be attached: no such process
     * (Austin's "cannot attach"), permission denied, not Python, unsupported build, no interpreter in time.
     *
     * <p>Passes run on a sampling thread at absolute deadlines and never wait for the subscriber: samples are queued
     * (up to {@link SamplerOptions#queueCapacity()}) and emitted, as demand allows, on a second thread. When the queue
     * is full a pass is skipped and counted ({@link SamplerStats#lateTicks()}), never turned into an error. The
     * listener runs on the emitting thread before the header is emitted. Cancelling stops sampling at once, without
     * a footer. The target is only read: an attached process is never signalled.
     *
     * <p>With {@link SamplerOptions#children()} every Python descendant is sampled too, each with its own pid, found
     * within 100 ms of its start; a child's end never ends the run while others live. When the target itself is not
     * Python its children are looked for (status 39 if there is none) and the run lasts as long as the target.
     */
    public static Flux<ProfileEvent> attach(int pid, SamplerOptions options, Listener listener) {
        checked(options, listener);
        return FluxRun.flux(() -> Target.attach(pid), options, listener);
    }

    /**
     * Like {@link #attach(int, SamplerOptions, Listener)} for a command this run starts: its standard input and error
     * are inherited, its standard output too unless {@link SamplerOptions#quietChild()}. A command that cannot be
     * started, or that ends before its interpreter is found, is a {@link SamplerException} with Austin's status 33.
     * When the run stops before the command ends (exposure, stop, cancel) the command is terminated and reaped; a
     * trapped signal is forwarded to it first.
     */
    public static Flux<ProfileEvent> spawn(List<String> command, SamplerOptions options, Listener listener) {
        checked(options, listener);
        return FluxRun.flux(spawner(command, options), options, listener);
    }

    /**
     * {@link #attach(int, SamplerOptions, Listener)} written to {@code writer} on the calling thread, without a stream:
     * returns the run once it has ended and every event has been written, the writer finished and closed (closed on
     * failure too). The listener runs on the calling thread. For a caller that only writes the profile out (the
     * austin command does): nothing of Reactor's is set up, so a short run ends sooner and takes less memory.
     *
     * @throws SamplerException as the stream would end with it, once the events before it are written
     * @throws IOException      when the writer fails; the run is then cancelled, as a subscriber's cancel would
     * @throws IllegalArgumentException with {@link SamplerOptions#scheduler()} set (its time may be virtual)
     */
    public static Run attachAndWrite(int pid, SamplerOptions options, Listener listener, ProfileEventWriter writer)
            throws IOException {
        checked(options, listener);
        Objects.requireNonNull(writer, "writer");
        return RunWriter.write(() -> Target.attach(pid), options, listener, writer);
    }

    /**
     * {@link #spawn(List, SamplerOptions, Listener)} written to {@code writer} on the calling thread, as
     * {@link #attachAndWrite(int, SamplerOptions, Listener, ProfileEventWriter)}.
     */
    public static Run spawnAndWrite(List<String> command, SamplerOptions options, Listener listener,
            ProfileEventWriter writer) throws IOException {
        checked(options, listener);
        Objects.requireNonNull(writer, "writer");
        return RunWriter.write(spawner(command, options), options, listener, writer);
    }

    private static void checked(SamplerOptions options, Listener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
    }

    /** Starts a copy of {@code command} when called; an empty command is refused now. */
    private static Supplier<Target> spawner(List<String> command, SamplerOptions options) {
        List<String> copy = List.copyOf(command);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return new Spawner(copy, options.quietChild());
    }

    /**
     * Starts the command when called. A class, not a lambda: the sampler's start-up path links no call site through
     * {@code java.lang.invoke} it can avoid (each costs a JVM's start 0.3-1 ms, interpreted).
     */
    private static final class Spawner implements Supplier<Target> {
        private final List<String> command;
        private final boolean quiet;

        Spawner(List<String> command, boolean quiet) {
            this.command = command;
            this.quiet = quiet;
        }

        @Override
        public Target get() {
            return Target.spawn(command, quiet);
        }
    }
}
