package io.austin.sampler.internal;

import io.austin.formats.Sample;
import io.austin.sampler.PythonRuntime;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.internal.linux.ProcTasks;
import io.austin.sampler.internal.linux.ProcessTree;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The processes a run samples: its root (the target), and in children mode every Python descendant, found when the
 * run starts and again every {@link #REFRESH_NANOS}. In children mode a root that is not Python is not sampled, and
 * the run lasts as long as it lives, since it may start more Python children. Used by the sampling worker only, but
 * for {@link #published()} and {@link #nextAdded()}, which other threads read.
 */
final class RunProcesses {
    /** How often children mode looks for new descendants, as Austin does. */
    static final long REFRESH_NANOS = 100_000_000L;

    private final boolean children;
    private final Duration timeout;
    private final RunConfig config;
    private final Counters counters;
    private final LongSupplier clock;
    private final List<ProcessSampler> sampled = new ArrayList<>();
    private final ProcessTree tree = new ProcessTree();
    /** Children found since the consumer last took them ({@link #nextAdded()}). */
    private final Queue<Sampler.ProcessInfo> added = new ConcurrentLinkedQueue<>();
    private final List<Sampler.ProcessInfo> seen = new ArrayList<>();
    /** Every process ever sampled, in the order found; written by the sampling worker, read by others. */
    private volatile List<Sampler.ProcessInfo> published = List.of();
    private Target root;
    private ProcTasks rootTasks;
    private boolean rootNotPython;
    private boolean started;
    private long nextRefresh;

    RunProcesses(SamplerOptions options, RunConfig config, Counters counters, LongSupplier clock) {
        this.children = options.children();
        this.timeout = options.timeout();
        this.config = config;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * Attaches to the root {@code target} (it is the run's from now on: {@link #close()} releases it): waits for its
     * interpreter within the options' timeout. In children mode a root that is not Python (or not yet, when the
     * timeout elapses) is passed over for its Python descendants, which get a few refreshes' time to appear.
     *
     * @return the root's runtime; null when it is not sampled (children mode)
     * @throws SamplerException as the attach fails; {@code NO_PYTHON_CHILDREN} for a root that is not Python with
     *         no Python descendant (a spawned root is then terminated, as Austin does)
     */
    PythonRuntime open(Target target) {
        root = target;
        PythonRuntime runtime = null;
        try {
            ProcessSampler p = ProcessSampler.open(target, false, timeout, !children);
            sampled.add(p);
            runtime = p.runtime();
        } catch (SamplerException e) {
            if (!children || e.reason() != SamplerException.Reason.NOT_PYTHON
                    && e.reason() != SamplerException.Reason.TIMEOUT) {
                throw e;
            }
            rootNotPython = true;
            findChildren();
            if (sampled.isEmpty()) {
                target.close();
                throw new SamplerException(SamplerException.Reason.NO_PYTHON_CHILDREN, "Not a Python process: "
                        + "it looks like you are trying to profile a process that is not a Python process, "
                        + "and that has not spawned any child Python processes", e);
            }
        }
        added.clear(); // the processes found at start-up are told with the attach
        counters.processes = sampled.size();
        publish();
        return runtime;
    }

    /** Starts every process's clocks at {@code now}, the run's first pass; a child found later starts when found. */
    void start(long now) {
        for (ProcessSampler p : sampled) {
            start(p, now);
        }
        started = true;
        nextRefresh = now + REFRESH_NANOS;
    }

    private void start(ProcessSampler p, long now) {
        p.start(now);
        if (config.mode.hasMemory()) {
            p.readMemory();
        }
    }

    /** Children mode: looks for new Python descendants when the refresh is due. */
    void refresh(long now) {
        if (children && now >= nextRefresh) {
            nextRefresh = now + REFRESH_NANOS;
            findChildren();
        }
    }

    /**
     * One pass over every process, the samples to {@code out}; a process that has ended is let go (its pass says
     * so), and the run goes on with the others.
     */
    void pass(long now, Consumer<Sample> out) {
        for (int i = sampled.size() - 1; i >= 0; i--) {
            ProcessSampler p = sampled.get(i);
            if (!p.pass(now, config, counters, out)) {
                sampled.remove(i);
                p.close();
            }
        }
    }

    /** Whether nothing is left to sample: every process has ended, and no unsampled root lives to start more. */
    boolean ended() {
        return sampled.isEmpty() && !(rootNotPython && !rootGone());
    }

    /**
     * After a signal was forwarded to a spawned root, gives it up to two seconds to end by itself, as Austin does (a
     * root that is not Python included: its children are attached, never spawned).
     */
    void awaitSpawnedExit() {
        if (root != null) {
            root.awaitExit(2_000);
        }
    }

    /** Every process sampled so far, in the order found, the root first when it is Python. Any thread. */
    List<Sampler.ProcessInfo> published() {
        return published;
    }

    /** The next child found since the attach not taken yet, or null. Any thread. */
    Sampler.ProcessInfo nextAdded() {
        return added.poll();
    }

    /** Releases every process; a spawned root still running, sampled or not, is terminated and reaped. */
    void close() {
        for (ProcessSampler p : sampled) {
            p.close();
        }
        sampled.clear();
        if (root != null) {
            root.close();
        }
        if (rootTasks != null) {
            rootTasks.close();
        }
    }

    /**
     * Samples every Python descendant of the root not sampled yet, with a single attempt each (a process that is not
     * Python yet, or no longer, is tried again at the next refresh). With no process sampled yet and a root that is
     * not Python, the children get a refresh's time to appear.
     */
    private void findChildren() {
        long until = System.nanoTime() + (sampled.isEmpty() && rootNotPython ? REFRESH_NANOS : 0);
        do {
            for (int pid : tree.descendants(root.pid())) {
                if (tracked(pid)) {
                    continue;
                }
                try {
                    ProcessSampler child = ProcessSampler.open(Target.attach(pid), true, Duration.ZERO, true);
                    if (started) {
                        start(child, clock.getAsLong());
                    }
                    sampled.add(child);
                    counters.processes++;
                    added.add(new Sampler.ProcessInfo(pid, child.runtime(), true));
                } catch (SamplerException notYet) {
                    // not Python (yet): tried again at the next refresh
                }
            }
            if (sampled.isEmpty() && System.nanoTime() < until) {
                pause(10);
            }
        } while (sampled.isEmpty() && System.nanoTime() < until);
        if (started) {
            publish();
        }
    }

    private boolean tracked(int pid) {
        for (ProcessSampler p : sampled) {
            if (p.pid() == pid) {
                return true;
            }
        }
        return false;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the root has ended: spawned and exited, or attached and gone (a zombie included). */
    private boolean rootGone() {
        if (root.spawned()) {
            return !root.childAlive();
        }
        if (rootTasks == null) {
            rootTasks = new ProcTasks(root.pid());
        }
        return rootTasks.processGone();
    }

    /** Adds the processes not published yet to {@link #published()}. */
    private void publish() {
        for (ProcessSampler p : sampled) {
            boolean known = false;
            for (Sampler.ProcessInfo i : seen) {
                known |= i.pid() == p.pid();
            }
            if (!known) {
                seen.add(new Sampler.ProcessInfo(p.pid(), p.runtime(), p.child()));
            }
        }
        published = List.copyOf(seen);
    }
}
