package io.austin.sampler;

import io.austin.formats.FrameRef;
import io.austin.formats.GcMarker;
import io.austin.formats.IdleMarker;
import io.austin.formats.InvalidFrame;
import io.austin.formats.MemoryMetric;
import io.austin.formats.Metadata;
import io.austin.formats.StackEvent;
import io.austin.formats.StackHeader;
import io.austin.formats.TimeMetric;
import io.austin.formats.internal.LongMap;
import io.austin.sampler.SamplerOptions.Mode;
import io.austin.sampler.linux.ProcTasks;
import io.austin.sampler.linux.ProcessVmMemory;
import io.austin.sampler.linux.PythonLocator;
import io.austin.sampler.python.StackWalker;
import io.austin.sampler.python.ThreadStack;
import io.austin.sampler.python.UnsupportedPythonException;
import io.austin.sampler.python.WalkResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One sampling run over one target: attach, passes, footer, detach. Plain Java, driven by {@link Sampler}'s
 * timer; everything here runs on the sampling thread.
 */
final class Session implements AutoCloseable {
    private final Target target;
    private final SamplerOptions options;
    private final RemoteMemory memory;
    private final ProcTasks tasks;
    private final PythonRuntime runtime;
    private final StackWalker walker;
    private final SamplerStats stats = new SamplerStats();
    private final LongMap<StackHeader> headers = new LongMap<>();
    private final long intervalMicros;
    private final long startNanos;
    private long lastPassNanos;
    private long lastRss;
    private boolean ended;

    private Session(Target target, SamplerOptions options) {
        this.target = target;
        this.options = options;
        this.intervalMicros = options.intervalMicros();
        RemoteMemory mem = null;
        ProcTasks procTasks = null;
        try {
            long deadline = System.nanoTime() + options.timeout().toNanos();
            mem = openMemory(target, deadline);
            PythonRuntime rt;
            try {
                rt = PythonLocator.locate(target.pid(), mem,
                        java.time.Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime())));
            } catch (SamplerException e) {
                // A spawned command that is already gone did not fail for being "not Python": it ended too soon.
                if (target.spawned() && !target.alive() && e.reason() != SamplerException.Reason.UNSUPPORTED_BUILD) {
                    throw new SamplerException(SamplerException.Reason.LAUNCH_FAILED,
                            "The command terminated too quickly (exit status " + target.exitStatus() + ")", e);
                }
                throw e;
            }
            StackWalker w;
            try {
                w = StackWalker.create(mem, rt.major(), rt.minor(), rt.runtimeAddress(), rt.codeTypeAddress(),
                        target.pid());
            } catch (UnsupportedPythonException e) {
                throw new SamplerException(SamplerException.Reason.UNSUPPORTED_BUILD, e.getMessage(), e);
            }
            procTasks = new ProcTasks(target.pid());
            this.memory = mem;
            this.tasks = procTasks;
            this.runtime = rt;
            this.walker = w;
        } catch (RuntimeException e) {
            if (mem != null) {
                mem.close();
            }
            if (procTasks != null) {
                procTasks.close();
            }
            target.close();
            throw e;
        }
        this.lastRss = options.mode() == Mode.MEMORY || options.mode() == Mode.FULL ? tasks.residentBytes() : 0;
        this.startNanos = System.nanoTime();
        this.lastPassNanos = startNanos;
    }

    /**
     * Opens the target's memory. A target caught in the middle of an exec (a launcher script or a pyenv shim that
     * execs the interpreter) can refuse the first read; that is retried until the start-up deadline while the
     * target lives. Permission and no-such-process answers are final.
     */
    private static RemoteMemory openMemory(Target target, long deadline) {
        while (true) {
            try {
                return ProcessVmMemory.open(target.pid());
            } catch (SamplerException e) {
                if (e.reason() != SamplerException.Reason.CANNOT_ATTACH || !target.alive()
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SamplerException(SamplerException.Reason.CANNOT_ATTACH, "interrupted while attaching", e);
            }
        }
    }

    /**
     * Loads and initialises, before a target is started, everything that stands between its start and the first
     * sample: the native binding, the layout table, the ELF and maps readers and the walker's classes. A spawned
     * program runs its first lines within milliseconds of its start, so the work done here is work that would
     * otherwise leave them unsampled. Idempotent and cheap after the first call; failures are left to the real
     * attach, which reports them properly.
     */
    static void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        int self = (int) ProcessHandle.current().pid();
        try {
            io.austin.sampler.python.Layouts.versions();
            try (RemoteMemory m = ProcessVmMemory.open(self)) {
                // The walker's classes and buffers, run once over memory that has no Python in it.
                StackWalker.create(m, 3, 12, 0x1000, 0, self).walk();
            }
            try {
                PythonLocator.locate(self, null);
            } catch (SamplerException expected) {
                // This JVM is not Python: the point was to load the maps and ELF readers.
            }
            new ProcTasks(self).close();
        } catch (RuntimeException | LinkageError e) {
            // Nothing to warm here: the attach will report the real failure.
        }
    }

    private static volatile boolean prepared;

    static Session open(Target target, SamplerOptions options) {
        return new Session(target, options);
    }

    Target target() {
        return target;
    }

    PythonRuntime runtime() {
        return runtime;
    }

    StackWalker walker() {
        return walker;
    }

    SamplerStats stats() {
        return stats;
    }

    void lateTick() {
        stats.lateTicks++;
    }

    /** The header metadata, in Austin's order (spec A.3). */
    List<StackEvent> header() {
        List<StackEvent> out = new ArrayList<>(6);
        out.add(new Metadata("austin", SamplerOptions.AUSTIN_FORMAT_VERSION));
        out.add(new Metadata("interval", Long.toString(intervalMicros)));
        out.add(new Metadata("mode", options.mode().text()));
        if (options.mode() == Mode.MEMORY || options.mode() == Mode.FULL) {
            out.add(new Metadata("memory", Long.toString(ProcTasks.totalMemoryKiB())));
        }
        if (options.pipe()) {
            out.add(new Metadata("python", runtime.version()));
        }
        return out;
    }

    /** The footer metadata (spec A.9); fixes the run's duration. */
    List<StackEvent> footer() {
        stats.durationMicros = (System.nanoTime() - startNanos) / 1000;
        List<StackEvent> out = new ArrayList<>(5);
        out.add(new Metadata("duration", Long.toString(stats.durationMicros)));
        if (options.gc()) {
            out.add(new Metadata("gc", Long.toString(stats.gcMicros)));
        }
        if (options.pipe() && stats.samples > 0) {
            out.add(new Metadata("sampling", stats.minMicros() + "," + stats.avgMicros() + "," + stats.maxMicros));
            out.add(new Metadata("saturation", stats.saturated + "/" + stats.samples));
            out.add(new Metadata("errors", stats.errors + "/" + stats.samples));
        }
        return out;
    }

    /**
     * One pass over every thread of every interpreter.
     *
     * @return the pass's events (possibly none), or null when the target has gone and sampling should end
     */
    List<StackEvent> pass() {
        if (ended) {
            return null;
        }
        long start = System.nanoTime();
        WalkResult r = walker.walk();
        stats.passes++;
        stats.calls += r.calls();
        if ((!r.complete() || r.threadCount() == 0) && !target.alive()) {
            ended = true;
            return null;
        }
        long delta = (start - lastPassNanos) / 1000;
        lastPassNanos = start;
        Mode mode = options.mode();
        int n = r.threadCount();
        List<StackEvent> out = new ArrayList<>(n * 24);
        for (int i = 0; i < n; i++) {
            ThreadStack t = r.thread(i);
            boolean idle = false;
            if (mode == Mode.CPU || mode == Mode.FULL) {
                idle = !tasks.isRunning((int) t.nativeThreadId());
                if (idle && mode == Mode.CPU) {
                    continue;
                }
            }
            long mem = 0;
            if ((mode == Mode.MEMORY || mode == Mode.FULL) && t.holdsGil()) {
                long rss = tasks.residentBytes();
                if (rss > 0) {
                    mem = rss - lastRss;
                    lastRss = rss;
                }
            }
            if (mode == Mode.MEMORY && mem == 0 || delta == 0 && mem == 0) {
                continue;
            }
            out.add(header(t));
            if (t.invalid()) {
                out.add(InvalidFrame.INSTANCE);
            }
            for (int f = 0, depth = t.depth(); f < depth; f++) {
                FrameRef ref = t.frame(f);
                out.add(ref);
            }
            boolean gc = options.gc() && t.gcCollecting();
            if (gc) {
                out.add(GcMarker.INSTANCE);
                stats.gcMicros += delta;
            }
            switch (mode) {
                case MEMORY:
                    out.add(new MemoryMetric(mem));
                    break;
                case FULL:
                    out.add(new TimeMetric(delta));
                    if (idle) {
                        out.add(IdleMarker.INSTANCE);
                    }
                    out.add(new MemoryMetric(mem));
                    break;
                default:
                    out.add(new TimeMetric(delta));
            }
            stats.sample((System.nanoTime() - start) / 1000, t.invalid(), intervalMicros);
        }
        return out;
    }

    private StackHeader header(ThreadStack t) {
        long tid = t.nativeThreadId();
        long iid = t.interpreterId();
        long key = tid ^ (iid << 48);
        StackHeader h = headers.get(key);
        if (h == null || h.iid() != iid) {
            h = StackHeader.of(target.pid(), iid, tid);
            headers.put(key, h);
        }
        return h;
    }

    /** Releases the target's memory and /proc handles; a spawned child still running is terminated and reaped. */
    @Override
    public void close() {
        try {
            memory.close();
            tasks.close();
        } finally {
            target.close();
        }
    }
}
