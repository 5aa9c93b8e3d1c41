package io.austin.sampler.internal;

import io.austin.formats.FrameRef;
import io.austin.formats.Mode;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import io.austin.formats.internal.LongMap;
import io.austin.sampler.PythonRuntime;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import io.austin.sampler.internal.linux.ProcTasks;
import io.austin.sampler.internal.linux.ProcessMemory;
import io.austin.sampler.internal.python.RuntimeLocator;
import io.austin.sampler.internal.python.InterpreterWalker;
import io.austin.sampler.internal.python.ThreadStack;
import io.austin.sampler.internal.python.UnsupportedPythonException;
import io.austin.sampler.internal.python.WalkResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Python process of a run: its memory, its stack walker, its {@code /proc} facts, and what the next pass needs
 * to remember (the time and resident memory of the previous pass, each thread's key and last frames). Turns one
 * walk into the run's samples under the mode's rules (spec A.5). Runs on the sampling thread only.
 */
final class ProcessSampler implements AutoCloseable {
    private static final int MAX_THREADS = 1 << 14;
    private static final List<FrameRef> NO_FRAMES = List.of();

    /** A thread's key and the frames list of its last sample, handed out again while the stack is unchanged. */
    private static final class ThreadState {
        final ThreadKey key;
        List<FrameRef> frames = NO_FRAMES;
        /** The kernel's count of the thread's CPU time when last read (CPU mode), less its sub-µs rest; -1 unknown. */
        long cpuNanos = -1;
        /** The thread's counted CPU time less what its CPU-mode samples claimed, in microseconds. */
        long cpuBalance;

        ThreadState(ThreadKey key) {
            this.key = key;
        }
    }

    /**
     * How far a thread's CPU-mode samples may run ahead of the kernel's count of its CPU time, which moves at the
     * scheduler's ticks while it keeps running (at most 10 ms apart at 100 Hz, the slowest common setting).
     */
    static final long CPU_SLACK_MICROS = 12_000;

    private final Target target;
    private final boolean child;
    private final RemoteMemory memory;
    private final ProcTasks tasks;
    private final PythonRuntime runtime;
    private final InterpreterWalker walker;
    private final LongMap<ThreadState> threads = new LongMap<>();
    private long lastPassNanos;
    private long lastRss;
    private boolean gone;
    /** Whether the process lives in another PID namespace: its threads' own ids are then mapped to ours. */
    private boolean namespaced;
    private final LongMap<Long> outerTids = new LongMap<>();
    private long tidMapRefreshed;
    private boolean tidMapRead;

    private ProcessSampler(Target target, boolean child, RemoteMemory memory, ProcTasks tasks, PythonRuntime runtime,
            InterpreterWalker walker) {
        this.target = target;
        this.child = child;
        this.memory = memory;
        this.tasks = tasks;
        this.runtime = runtime;
        this.walker = walker;
    }

    /**
     * Attaches to {@code target}: opens its memory, finds its Python runtime, and waits until an interpreter with a
     * thread exists, all within {@code timeout} (a single attempt each when it is zero, as for child processes).
     * On failure the target is closed (a spawned one terminated) when {@code closeOnFailure}.
     *
     * @throws SamplerException LAUNCH_FAILED if a spawned target ended before its interpreter was found,
     *         NOT_PYTHON, PERMISSION, CANNOT_ATTACH, UNKNOWN_VERSION, UNSUPPORTED_VERSION, UNSUPPORTED_BUILD, or
     *         TIMEOUT when the runtime was found but no interpreter state appeared in time
     */
    static ProcessSampler open(Target target, boolean child, Duration timeout, boolean closeOnFailure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RemoteMemory mem = null;
        ProcTasks procTasks = null;
        try {
            mem = openMemory(target, deadline);
            PythonRuntime rt;
            try {
                rt = RuntimeLocator.locate(target.pid(), mem,
                        Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (SamplerException e) {
                throw ended(target, e);
            }
            procTasks = new ProcTasks(target.pid());
            // In a PID namespace (a container) the target knows itself, and its threads, by other ids.
            long[] ns = procTasks.namespaceIds(target.pid());
            int innerPid = ns.length > 1 ? (int) ns[ns.length - 1] : target.pid();
            InterpreterWalker w;
            try {
                w = InterpreterWalker.create(mem, rt.major(), rt.minor(), rt.runtimeAddress(), rt.codeTypeAddress(),
                        innerPid);
            } catch (UnsupportedPythonException e) {
                throw new SamplerException(Reason.UNSUPPORTED_BUILD, e.getMessage(), e);
            }
            ProcessSampler p = new ProcessSampler(target, child, mem, procTasks, rt, w);
            p.namespaced = ns.length > 1;
            p.awaitInterpreter(deadline);
            return p;
        } catch (RuntimeException e) {
            if (mem != null) {
                mem.close();
            }
            if (procTasks != null) {
                procTasks.close();
            }
            if (closeOnFailure) {
                target.close();
            }
            throw e;
        }
    }

    /**
     * A spawned target that is already gone did not fail for being "not Python": it ended too soon. A verdict read
     * from the interpreter's own file (its version, its build) stands whether the program still runs or not.
     */
    private static SamplerException ended(Target target, SamplerException e) {
        if (target.spawned() && e.reason() == Reason.NO_SUCH_PROCESS) {
            target.awaitExit(1_000); // our own child gone from /proc: it has exited, its reaping may lag behind
        }
        boolean verdict = e.reason() == Reason.UNSUPPORTED_BUILD || e.reason() == Reason.UNSUPPORTED_VERSION;
        if (target.spawned() && !target.childAlive() && !verdict) {
            return new SamplerException(Reason.LAUNCH_FAILED, "Cannot launch the given command, or it terminated "
                    + "too quickly (exit status " + target.exitStatus() + ")", e);
        }
        return e;
    }

    /**
     * Opens the target's memory. A target caught in the middle of an exec (a launcher script or a pyenv shim that
     * execs the interpreter) can refuse the first read; that is retried until the deadline while it lives.
     * Permission and no-such-process answers are final.
     */
    private static RemoteMemory openMemory(Target target, long deadline) {
        while (true) {
            try {
                return ProcessMemory.open(target.pid());
            } catch (SamplerException e) {
                boolean alive = !target.spawned() || target.childAlive();
                if (e.reason() != Reason.CANNOT_ATTACH || !alive || System.nanoTime() > deadline) {
                    throw ended(target, e);
                }
            }
            pause();
        }
    }

    /** Waits until the runtime has an interpreter with a thread: before that, a pass sees nothing to sample. */
    private void awaitInterpreter(long deadline) {
        while (true) {
            WalkResult r = walker.walk();
            if (r.threadCount() > 0) {
                return;
            }
            if (target.spawned() && !target.childAlive() || !target.spawned() && tasks.processGone()) {
                throw ended(target, new SamplerException(Reason.NO_SUCH_PROCESS,
                        "Process " + target.pid() + " ended before its interpreter started"));
            }
            if (System.nanoTime() > deadline) {
                throw new SamplerException(Reason.TIMEOUT, "Process " + target.pid() + " has the Python runtime "
                        + runtime.version() + " but no interpreter state appeared within the start-up time-out");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SamplerException(Reason.CANNOT_ATTACH, "interrupted while attaching", e);
        }
    }

    /** Starts the clock of the first pass: its time metric counts from here. */
    void start(long nowNanos) {
        lastPassNanos = nowNanos;
    }

    /** Takes the first resident-memory reading, for memory and full mode. */
    void readMemory() {
        lastRss = Math.max(0, tasks.residentBytes());
    }

    int pid() {
        return target.pid();
    }

    Target target() {
        return target;
    }

    boolean child() {
        return child;
    }

    PythonRuntime runtime() {
        return runtime;
    }

    InterpreterWalker walker() {
        return walker;
    }

    /** Whether the process has ended (checked by the last pass or {@link #checkGone()}). */
    boolean gone() {
        return gone;
    }

    /** Whether the process has gone: a spawned child has ended, an attached one is a zombie or has vanished. */
    boolean checkGone() {
        if (!gone) {
            gone = target.spawned() ? !target.childAlive() : tasks.processGone();
        }
        return gone;
    }

    /**
     * One pass over every thread of every interpreter, at {@code now}: each sample the mode keeps goes to
     * {@code out}. Samples of one pass share their time metric, the time since this process's previous pass.
     *
     * @return false when the process has gone and sampling it should end
     */
    boolean pass(long now, RunConfig config, Counters counters, Consumer<Sample> out) {
        if (gone) {
            return false;
        }
        WalkResult r = walker.walk();
        counters.passes++;
        counters.calls += r.calls();
        if ((!r.complete() || r.threadCount() == 0) && checkGone()) {
            return false;
        }
        long delta = (now - lastPassNanos) / 1000;
        // What the truncation to whole microseconds left over goes to the next pass: dropped, it lost half a
        // microsecond a pass, 0.5 % of the time at 100 µs.
        lastPassNanos += delta * 1000;
        Mode mode = config.mode;
        for (int i = 0, n = r.threadCount(); i < n; i++) {
            ThreadStack t = r.thread(i);
            boolean idle = false;
            int tid = 0;
            if (mode == Mode.CPU || mode == Mode.FULL) {
                tid = (int) outerTid(t.nativeThreadId());
                idle = !tasks.isRunning(tid);
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
            ThreadState state = state(t);
            long time = mode == Mode.CPU ? cpuTime(state, tid, delta) : delta;
            if (time == 0 && mem == 0) {
                continue; // CPU mode: runnable, but the thread's samples are ahead of its CPU time
            }
            boolean gc = config.gc && t.gcCollecting();
            int flags = (t.invalid() ? Sample.INVALID : 0) | (gc ? Sample.GC : 0);
            Sample s = switch (mode) {
                case MEMORY -> new Sample(state.key, frames(state, t), flags | Sample.MEMORY, 0, mem);
                case FULL -> new Sample(state.key, frames(state, t),
                        flags | Sample.TIME | Sample.MEMORY | (idle ? Sample.IDLE : 0), delta, mem);
                case WALL, CPU -> new Sample(state.key, frames(state, t), flags | Sample.TIME, time, 0);
            };
            if (gc) {
                counters.gcMicros += delta;
            }
            out.accept(s);
            counters.sample((config.clock.getAsLong() - now) / 1000, t.invalid(), config.intervalMicros);
        }
        return true;
    }

    /**
     * The time a running thread's CPU-mode sample stands for, in microseconds. Austin gives a running thread the
     * whole time since the previous pass, but the kernel's R is also a thread that waits for a CPU (a busy machine,
     * or the sampler itself on that CPU): a thread sharing a CPU with another busy process was given 2.5 times its
     * CPU time. The kernel's count of the thread's CPU time scales its samples down: a sample gets the wall time
     * times a factor that is 1 while the thread's samples have claimed no more than its count, and falls linearly to
     * 0 as they run {@link #CPU_SLACK_MICROS} ahead of it. The count moves at the scheduler's ticks for a thread that
     * keeps running (every 4 ms here), hence the slack; counted time not claimed (the thread ran between passes) is
     * kept up to twice the slack, then dropped, as Austin does not count it. Without the count, the wall time.
     */
    private long cpuTime(ThreadState state, int tid, long wallDelta) {
        long now = tasks.cpuNanos(tid);
        long last = state.cpuNanos;
        if (now < 0 || last < 0 || now < last) {
            state.cpuNanos = now;
            return wallDelta;
        }
        long counted = (now - last) / 1000;
        state.cpuNanos = last + counted * 1000;
        long balance = Math.min(state.cpuBalance + counted, 2 * CPU_SLACK_MICROS);
        long ahead = Math.max(0, Math.min(CPU_SLACK_MICROS, -balance));
        long time = wallDelta * (CPU_SLACK_MICROS - ahead) / CPU_SLACK_MICROS;
        state.cpuBalance = balance - time;
        return time;
    }

    /**
     * One walk for a where-mode snapshot: every thread's stack with its idle flag (the kernel's state letter) and
     * its invalid marker, no metrics.
     */
    void snapshot(Consumer<Sample> out) {
        WalkResult r = walker.walk();
        for (int i = 0, n = r.threadCount(); i < n; i++) {
            ThreadStack t = r.thread(i);
            ThreadState state = state(t);
            int flags = (t.invalid() ? Sample.INVALID : 0) | (idle(outerTid(t.nativeThreadId())) ? Sample.IDLE : 0);
            out.accept(new Sample(state.key, frames(state, t), flags, 0, 0));
        }
    }

    /**
     * The thread's id as this side sees it: in a container the thread state holds its id in the container's PID
     * namespace, which is mapped through the {@code NSpid} of each task (refreshed at most every 100 ms).
     */
    private long outerTid(long inner) {
        if (!namespaced) {
            return inner;
        }
        Long outer = outerTids.get(inner);
        long now = System.nanoTime();
        if (outer == null && (!tidMapRead || now - tidMapRefreshed > 100_000_000L)) {
            tidMapRead = true;
            tidMapRefreshed = now;
            outerTids.clear();
            for (int tid : tasks.threadIds()) {
                long[] ids = tasks.namespaceIds(tid);
                if (ids.length > 1) {
                    outerTids.put(ids[ids.length - 1], ids[0]);
                }
            }
            outer = outerTids.get(inner);
        }
        return outer != null ? outer : inner;
    }

    private ThreadState state(ThreadStack t) {
        long tid = outerTid(t.nativeThreadId());
        long iid = t.interpreterId();
        long key = tid ^ (iid << 48);
        ThreadState s = threads.get(key);
        if (s == null || s.key.iid() != iid) {
            if (threads.size() >= MAX_THREADS) {
                threads.clear();
            }
            s = new ThreadState(ThreadKey.of(target.pid(), iid, tid));
            threads.put(key, s);
        }
        return s;
    }

    /** The thread's frames, root first: the list of its previous sample when the references are the same. */
    private static List<FrameRef> frames(ThreadState state, ThreadStack t) {
        int depth = t.depth();
        List<FrameRef> last = state.frames;
        if (last.size() == depth) {
            boolean same = true;
            for (int i = 0; i < depth && same; i++) {
                same = last.get(i) == t.frame(i);
            }
            if (same) {
                return last;
            }
        }
        FrameRef[] copy = new FrameRef[depth];
        for (int i = 0; i < depth; i++) {
            copy[i] = t.frame(i);
        }
        List<FrameRef> list = depth == 0 ? NO_FRAMES : Arrays.asList(copy);
        state.frames = java.util.Collections.unmodifiableList(list);
        return state.frames;
    }

    /**
     * Whether the thread {@code tid} of this process is idle (not on a CPU), as Austin tells it: the kernel's state
     * letter is anything but R, or cannot be read.
     */
    boolean idle(long tid) {
        return !tasks.isRunning((int) tid);
    }

    /** Releases the memory and {@code /proc} handles; a spawned target still running is terminated and reaped. */
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
