package io.austin.sampler.internal.python;

import io.austin.formats.FrameRef;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * One thread's stack from one pass of a {@link InterpreterWalker}. Owned and reused by the walker: valid until the next
 * {@link InterpreterWalker#walk()}; copy what must outlive it. The frame references themselves are immutable and may be
 * kept.
 */
public final class ThreadStack {
    long interpreterId;
    long nativeThreadId;
    long threadId;
    long threadState;
    boolean invalid;
    boolean holdsGil;
    boolean gcCollecting;
    FrameRef[] frames = new FrameRef[16];
    int depth;
    private final List<FrameRef> view = new FramesView();

    ThreadStack() {
    }

    void reset() {
        Arrays.fill(frames, 0, depth, null);
        depth = 0;
        invalid = false;
        holdsGil = false;
        gcCollecting = false;
        nativeThreadId = 0;
        threadId = 0;
        threadState = 0;
        interpreterId = 0;
    }

    /** The id of the interpreter this thread state belongs to (0 = main interpreter). */
    public long interpreterId() {
        return interpreterId;
    }

    /** The kernel thread id (TID), 0 if it could not be read. */
    public long nativeThreadId() {
        return nativeThreadId;
    }

    /** The {@code pthread_t} of the thread ({@code thread_state.thread_id}). */
    public long threadId() {
        return threadId;
    }

    /** The remote address of the {@code PyThreadState}. */
    public long threadStateAddress() {
        return threadState;
    }

    /**
     * Whether the stack could not be read completely. The frames then are the part that was resolved, from the
     * leaf side; Austin emits {@code :INVALID:} before them.
     */
    public boolean invalid() {
        return invalid;
    }

    /** Whether this thread appeared to hold the GIL (a statistical hint, cpython.md §8). */
    public boolean holdsGil() {
        return holdsGil;
    }

    /** Whether this thread's interpreter was running a garbage collection. */
    public boolean gcCollecting() {
        return gcCollecting;
    }

    /** Number of frames. */
    public int depth() {
        return depth;
    }

    /** Frame {@code i}, root first (0 = outermost). */
    public FrameRef frame(int i) {
        if (i < 0 || i >= depth) {
            throw new IndexOutOfBoundsException(i);
        }
        return frames[i];
    }

    /** A live read-only view of the frames, root first (no copy; changes with the next pass). */
    public List<FrameRef> frames() {
        return view;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("iid=").append(interpreterId).append(" tid=").append(nativeThreadId);
        if (invalid) {
            sb.append(" INVALID");
        }
        for (int i = 0; i < depth; i++) {
            FrameRef f = frames[i];
            sb.append(i == 0 ? " " : ";").append(f.frame().file()).append(':').append(f.frame().scope()).append(':')
                    .append(f.frame().line());
        }
        return sb.toString();
    }

    private final class FramesView extends AbstractList<FrameRef> implements RandomAccess {
        @Override
        public FrameRef get(int index) {
            return frame(index);
        }

        @Override
        public int size() {
            return depth;
        }
    }
}
