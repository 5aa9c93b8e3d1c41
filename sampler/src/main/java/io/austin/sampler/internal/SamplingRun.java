package io.austin.sampler.internal;

import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.sampler.Personality;
import io.austin.sampler.PythonRuntime;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.SamplerStats;
import io.austin.sampler.internal.linux.NativeBinding;
import io.austin.sampler.internal.linux.Signals;
import io.austin.sampler.internal.linux.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One sampling run: the timer, the processes it samples ({@link RunProcesses}), the header and footer, the
 * statistics, and the ways it stops (the targets end, the exposure elapses, the stop trigger or a signal fires, the
 * consumer cancels).
 *
 * <p>The sampling worker attaches, then runs one pass per tick on absolute deadlines (a late tick does not shift the
 * next ones; ticks a pass overran are skipped and counted) and puts the samples into a bounded queue; it never waits
 * for the consumer. With the sampler's own threads it is a thread of its own that sleeps to each deadline, with a
 * small timer slack so that a 100 µs interval is kept (see {@link Ticker}) and a higher priority than the busy
 * threads around it where allowed (see {@link #SAMPLER_NICE}). When the queue is full, passes are skipped and counted.
 *
 * <p>One consumer takes the events on a thread of its own with {@link #handOver}: it is woken ({@link #connect})
 * when the attach has ended, as soon as the queue is a quarter full and when the run has ended, and otherwise looks
 * every {@link #DRAIN_NANOS}; whatever it does (writing, compiling its code, blocking on a pipe) cannot delay a pass.
 * Two consumers exist: {@link FluxRun}, the library's stream, and {@link RunWriter}, the calling thread writing every
 * event out (the austin command, which so needs nothing of Reactor's).
 */
public final class SamplingRun implements Sampler.Run {
    /**
     * How often a consumer looks at the queue unless woken: a wake-up costs tens of microseconds of CPU on a virtual
     * machine, so 100 a second, not 1,000; a quarter-full queue wakes it at once.
     */
    static final long DRAIN_NANOS = 10_000_000L;
    /**
     * What the sampling thread adds to its nice value, where the kernel allows it (root, CAP_SYS_NICE or
     * RLIMIT_NICE). On a machine whose CPUs are all busy a thread at nice 0 waits milliseconds for a CPU after each
     * deadline, and the time it missed goes to whatever stack it sees next: with three busy loops on two cores,
     * passes more than 1 ms late covered 1.4 s of a 3 s run and two functions' shares were off by up to 3 points; at
     * -10, 0.2 s and under 1 point. The thread runs a few microseconds per pass, so its priority costs others little.
     * The target's own priority is never changed. {@code -Daustin.sampler.nice=0} leaves the thread as it is.
     */
    private static final int SAMPLER_NICE = Integer.getInteger("austin.sampler.nice", -10);

    /** Where a consumer puts the events {@link #handOver} gives it. */
    interface Destination {
        /** Whether it takes one more event now. */
        boolean wants();

        void next(ProfileEvent event) throws IOException;
    }

    private final SamplerOptions options;
    private final Supplier<Target> opener;
    private final Sampler.Listener listener;
    private final boolean ownThread;
    private final Ticker sampling;
    private final LongSupplier clock;
    private final RunConfig config;
    private final Counters counters = new Counters();
    /** Wakes the consumer; nobody until one connects (its first hand-over takes what is queued). */
    private volatile Runnable wake = new Task(Job.NOTHING);
    /** The tick as a task, made once: a pass allocates nothing for its own scheduling. */
    private final Runnable tickTask = new Task(Job.TICK);
    /**
     * The queue's intake as an object, made once: a method reference written in the pass would be a new object per
     * pass with the quick compiler (the sampler's), which does not remove such allocations.
     */
    private final Consumer<Sample> intake = new Intake();
    /**
     * The samples on their way to the consumer. The JDK's bounded array queue, not Reactor's: setting up Reactor's
     * queues starts its hooks and logging (the jar opened to look for SLF4J: several milliseconds), which would then
     * stand between the command line and its program's start. It takes no allocation per sample, and its lock is
     * uncontended: the consumer takes the samples every 10 ms.
     */
    private final Queue<ProfileEvent> queue;
    private final int capacity;
    private final RunProcesses processes;

    // Written by the sampling worker, read by others.
    private volatile List<Metadata> footer;
    private volatile boolean attached;
    private volatile boolean stopRequested;
    private volatile boolean cancelled;
    private volatile int stopSignal;
    private volatile boolean spawned;
    private volatile int mainPid;
    /** A failure of the sampling worker, for the consumer (after the events queued before it). */
    private volatile Throwable failure;

    // Sampling worker only.
    private long startNanos;
    private long nextDeadline;
    private long exposureDeadline = Long.MAX_VALUE;
    private int lastPassSamples;
    private Signals.Handle trap;
    private StopWatch stopWatch;
    /** The native binding is still to be made, or the sampling thread's slack and priority to be set after it. */
    private boolean nativePending = true;
    private boolean closed;

    // The consumer's thread only.
    private boolean attachNotified;

    /** A run to be started with {@link #start()}; nothing happens before. */
    SamplingRun(Supplier<Target> opener, SamplerOptions options, Sampler.Listener listener) {
        this.opener = opener;
        this.options = options;
        this.listener = listener;
        this.ownThread = options.scheduler() == null;
        this.sampling = ownThread ? Ticker.thread("austin-sampler")
                : Ticker.on(options.scheduler().createWorker());
        this.clock = Ticker.clock(options.scheduler());
        this.config = new RunConfig(options, clock);
        this.processes = new RunProcesses(options, config, counters, clock);
        this.capacity = options.queueCapacity();
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Opens the target (a command started) and attaches, on the sampling worker; passes follow. */
    void start() {
        sampling.run(new Task(Job.ATTACH));
    }

    /** The consumer: woken with {@code wakeUp} whenever there is something to take. */
    void connect(Runnable wakeUp) {
        wake = wakeUp;
        wakeUp.run(); // what was queued before it came
    }

    /**
     * The run's end for the consumer (called on its thread): the sampling worker's failure once every event queued
     * before it has been handed over, or null.
     */
    Throwable failure() {
        Throwable f = failure;
        return f != null && (queue.isEmpty() || !attached) ? f : null;
    }

    /**
     * Hands the consumer what there is to take, as far as it {@linkplain Destination#wants wants}: after the attach
     * the listener's calls (attached, then each child found), the events in order, then the footer. True once
     * everything, footer included, has been handed over: the run is complete.
     */
    boolean handOver(Destination d) throws IOException {
        if (!attached || cancelled) {
            return false; // before the attach's end there is nothing to hand over (a failure is told by failure())
        }
        if (!attachNotified) {
            attachNotified = true;
            listener.attached(this);
        }
        for (Sampler.ProcessInfo p = processes.nextAdded(); p != null; p = processes.nextAdded()) {
            listener.processAdded(this, p);
        }
        // The demand is read again after each event: what a subscriber requests from its onNext is served now.
        while (d.wants()) {
            ProfileEvent e = queue.poll();
            if (e == null) {
                break;
            }
            d.next(e);
        }
        List<Metadata> end = footer;
        if (end == null || !queue.isEmpty()) {
            return false;
        }
        for (Metadata m : end) {
            d.next(m);
        }
        sampling.run(new Task(Job.DISPOSE));
        return true;
    }

    /** The consumer is gone: the run stops (a spawned target still running is terminated) and lets go of all. */
    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        // The processes belong to the sampling worker: it releases them after the pass in progress, if any.
        sampling.run(new Task(Job.CANCEL));
    }

    /** Whether the sampling runs on a thread of the sampler's own (not a scheduler of the caller's). */
    boolean ownThread() {
        return ownThread;
    }

    /** Ends the run with {@code e} for the consumer, after the events before it. */
    private void fail(Throwable e) {
        failure = e;
        wake.run();
    }

    // ---- sampling worker -----------------------------------------------------------------------------------------

    private void attach() {
        if (cancelled) {
            shutdown();
            return;
        }
        try {
            Warmup.run();
            Target target = opener.get();
            // After the spawn: a child inherits the calling thread's slack and nice value.
            afterBinding();
            spawned = target.spawned();
            mainPid = target.pid();
            PythonRuntime parent = processes.open(target);
            if (options.trapSignals()) {
                trap = Signals.onStop(new Trap());
            }
            for (Metadata m : RunMetadata.header(options, config, parent)) {
                queue.offer(m);
            }
            long now = clock.getAsLong();
            startNanos = now;
            processes.start(now);
            if (options.exposure() != null) {
                exposureDeadline = now + options.exposure().toNanos();
            }
            nextDeadline = now;
            attached = true;
            wake.run(); // the header, at once (the periodic hand-over may be 10 ms away)
            tick();
            if (!closed) {
                // After the first pass: a stop asked for meanwhile is seen at the next pass.
                stopWatch = new StopWatch(new Task(Job.STOP));
                options.stop().subscribe(stopWatch);
            }
        } catch (RuntimeException | LinkageError e) {
            shutdown();
            fail(e);
        }
    }

    /**
     * The native binding is made on a thread of its own once the first pass is done: its CPU time (tens of
     * milliseconds) spent earlier, beside the command line's parsing, the target's start or the attach, delayed the
     * first sample. The sampling thread's timer slack and priority need it: they are set at the first pass after it is
     * made (until then the thread wakes up to 50 µs late, the kernel's default slack).
     */
    private void afterBinding() {
        if (!NativeBinding.settled()) {
            if (attached) {
                NativeBinding.bindInBackground();
            }
            return;
        }
        nativePending = false;
        if (ownThread) {
            Threads.timerSlack(1_000);
            Threads.renice(SAMPLER_NICE);
        }
    }

    private void tick() {
        try {
            pass();
        } catch (RuntimeException e) {
            // a defect, not bad target memory (a pass counts that as invalid samples): end the run with it, never hang
            shutdown();
            fail(e);
        }
    }

    private void pass() {
        if (closed) {
            return;
        }
        if (cancelled) {
            shutdown();
            return;
        }
        long now = clock.getAsLong();
        processes.refresh(now);
        if (now >= exposureDeadline && options.personality() == Personality.AUSTIN_4) {
            signalled(2); // Austin 4 ends an exposure as Ctrl-C would: SIGINT to a spawned target, status 254
        }
        if (stopRequested || now >= exposureDeadline || processes.ended()) {
            finish();
            return;
        }
        int before = queue.size(); // one lock of the queue's for the room and the count
        if (capacity - before < lastPassSamples + 8) {
            counters.lateTicks++; // the subscriber has not taken the earlier samples: skip, count
        } else {
            processes.pass(now, intake);
            counters.tick((clock.getAsLong() - now) / 1000, config.intervalMicros);
            int size = queue.size();
            lastPassSamples = Math.max(0, size - before);
            if (size > capacity / 4 && before <= capacity / 4) {
                wake.run();
            }
            if (processes.ended()) {
                finish();
                return;
            }
        }
        if (nativePending) {
            afterBinding();
        }
        schedule(now);
    }

    private void offer(Sample s) {
        if (!queue.offer(s)) {
            counters.lateTicks++; // cannot happen while the room check holds; counted rather than lost silently
        }
    }

    /** The next tick at the next absolute deadline; deadlines a pass overran are skipped and counted. */
    private void schedule(long now) {
        long interval = config.intervalNanos;
        if (interval <= 0) {
            sampling.runAt(clock.getAsLong(), 0, tickTask);
            return;
        }
        nextDeadline += interval;
        long after = clock.getAsLong();
        if (nextDeadline <= after) {
            long missed = (after - nextDeadline) / interval + 1;
            counters.lateTicks += missed;
            nextDeadline += missed * interval;
        }
        long delay = Math.min(nextDeadline, exposureDeadline) - after;
        sampling.runAt(after + Math.max(0, delay), delay, tickTask);
    }

    /** Ends the run: stops the spawned target, fixes the duration, builds the footer, releases everything. */
    private void finish() {
        if (closed) {
            return;
        }
        if (stopSignal != 0) {
            processes.awaitSpawnedExit();
        }
        long now = clock.getAsLong();
        counters.durationMicros = Math.max(0, (now - startNanos) / 1000);
        footer = RunMetadata.footer(options, counters);
        shutdown();
        wake.run();
    }

    /** Releases the processes (a spawned one still running is terminated and reaped), the trap, the stop trigger. */
    private void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        processes.close();
        if (trap != null) {
            trap.close();
            trap = null;
        }
        if (stopWatch != null) {
            stopWatch.cancel();
        }
    }

    // ---- any thread ----------------------------------------------------------------------------------------------

    private void requestStop() {
        if (!stopRequested) {
            stopRequested = true;
            if (!cancelled) {
                sampling.run(tickTask);
            }
        }
    }

    /** A trapped signal: forwarded to a spawned target, remembered for the exit status, and the run stops. */
    private void signalled(int signal) {
        if (stopSignal == 0) {
            stopSignal = signal;
            if (spawned) {
                Signals.send(mainPid, signal);
            }
            requestStop();
        }
    }

    // ---- Run -------------------------------------------------------------------------------------------------------

    @Override
    public int pid() {
        return mainPid;
    }

    @Override
    public PythonRuntime runtime() {
        for (Sampler.ProcessInfo p : processes.published()) {
            if (p.pid() == mainPid) {
                return p.runtime();
            }
        }
        return null;
    }

    @Override
    public List<Sampler.ProcessInfo> processes() {
        return processes.published();
    }

    @Override
    public SamplerStats stats() {
        return counters.snapshot();
    }

    @Override
    public boolean spawned() {
        return spawned;
    }

    @Override
    public int stopSignal() {
        return stopSignal;
    }

    @Override
    public Duration elapsed() {
        return Duration.ofNanos(Math.max(0, clock.getAsLong() - startNanos));
    }

    @Override
    public Mode mode() {
        return config.mode;
    }

    // ---- the worker's tasks and callbacks ------------------------------------------------------------------------
    // Classes, not lambdas or method references: each of those is linked through java.lang.invoke the first time
    // its line runs (interpreted, 0.3-1 ms of a JVM's start apiece), and all of these run as the sampler starts.

    /** What a {@link Task} does. */
    private enum Job {
        /** Nothing: the wake-up of a consumer that has not connected yet. */
        NOTHING, ATTACH, TICK, STOP, DISPOSE, CANCEL
    }

    /** A task for the worker (or, with {@link Job#NOTHING}, the wake-up of no consumer). */
    private final class Task implements Runnable {
        private final Job job;

        Task(Job job) {
            this.job = job;
        }

        @Override
        public void run() {
            switch (job) {
                case ATTACH -> attach();
                case TICK -> tick();
                case STOP -> requestStop();
                case DISPOSE -> sampling.dispose();
                case CANCEL -> {
                    shutdown();
                    sampling.dispose();
                }
                case NOTHING -> {
                }
            }
        }
    }

    /** The queue's intake. */
    private final class Intake implements Consumer<Sample> {
        @Override
        public void accept(Sample s) {
            offer(s);
        }
    }

    /** The stop signals' handler. */
    private final class Trap implements IntConsumer {
        @Override
        public void accept(int signal) {
            signalled(signal);
        }
    }
}
