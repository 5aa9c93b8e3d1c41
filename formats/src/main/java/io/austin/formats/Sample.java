package io.austin.formats;

import java.util.List;
import java.util.Objects;

/**
 * One stack of one thread at one pass, with its markers and metrics: a line of Austin's text output, a run of MOJO
 * events from {@code STACK} to the last metric.
 *
 * <p>Frames are root first. A kernel frame (Austin's native variant only) is a {@link FrameRef} with key
 * {@link FrameRef#KERNEL} and a frame of file {@code kernel}, line 0. The list is not copied: producers pass an
 * unmodifiable list, and a producer that saw the same stack as the thread's previous sample passes the same list
 * instance again, so that consumers can recognise a repeated stack by identity.
 *
 * <p>The metrics present depend on the {@link Mode}: a time ({@link #TIME}) for wall and cpu, a memory delta
 * ({@link #MEMORY}) for memory, both and the idle flag for full. A sample cut off by a killed run may have fewer.
 *
 * @param thread the thread
 * @param frames the frames, root first
 * @param flags  {@link #INVALID}, {@link #GC}, {@link #IDLE}, {@link #TIME}, {@link #MEMORY}
 * @param time   µs since the previous pass over the process, when {@link #TIME} is set (else 0)
 * @param memory the signed change of the process's resident memory, bytes, when {@link #MEMORY} is set (else 0)
 */
public record Sample(ThreadKey thread, List<FrameRef> frames, int flags, long time, long memory)
        implements ProfileEvent {
    /** The stack could not be read completely ({@code :INVALID:}): the frames are its leaf-side part. */
    public static final int INVALID = 1;
    /** The garbage collector was running ({@code :GC:}). */
    public static final int GC = 2;
    /** The thread was not on a CPU (full mode). */
    public static final int IDLE = 4;
    /** The sample has a time metric. */
    public static final int TIME = 8;
    /** The sample has a memory metric. */
    public static final int MEMORY = 16;

    public Sample {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(frames, "frames");
    }

    /** A sample with a time metric only (wall and cpu mode). */
    public static Sample timed(ThreadKey thread, List<FrameRef> frames, int markers, long time) {
        return new Sample(thread, frames, markers | TIME, time, 0);
    }

    /** Whether the stack could not be read completely. */
    public boolean invalid() {
        return (flags & INVALID) != 0;
    }

    /** Whether the garbage collector was running. */
    public boolean gc() {
        return (flags & GC) != 0;
    }

    /** Whether the thread was idle (full mode). */
    public boolean idle() {
        return (flags & IDLE) != 0;
    }

    /** Whether the sample has a time metric. */
    public boolean hasTime() {
        return (flags & TIME) != 0;
    }

    /** Whether the sample has a memory metric. */
    public boolean hasMemory() {
        return (flags & MEMORY) != 0;
    }

    @Override
    public Type type() {
        return Type.SAMPLE;
    }
}
