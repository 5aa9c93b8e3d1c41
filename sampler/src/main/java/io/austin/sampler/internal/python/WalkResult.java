package io.austin.sampler.internal.python;

import java.util.Arrays;

/**
 * The outcome of one {@link InterpreterWalker#walk()}: every thread of every interpreter, and per interpreter its id
 * and GC state. Owned and reused by the walker (a steady-state pass allocates nothing): valid until the next pass.
 */
public final class WalkResult {
    ThreadStack[] threads = new ThreadStack[8];
    int threadCount;
    long[] interpreterIds = new long[4];
    boolean[] interpreterGc = new boolean[4];
    int interpreterCount;
    boolean complete;
    boolean finalizing;
    long calls;

    WalkResult() {
    }

    void reset() {
        threadCount = 0;
        interpreterCount = 0;
        complete = true;
        finalizing = false;
        calls = 0;
    }

    ThreadStack addThread() {
        if (threadCount == threads.length) {
            threads = Arrays.copyOf(threads, threadCount * 2);
        }
        ThreadStack t = threads[threadCount];
        if (t == null) {
            t = new ThreadStack();
            threads[threadCount] = t;
        }
        t.reset();
        threadCount++;
        return t;
    }

    /** Drops thread {@code i}, keeping the order of the others (its object is kept for reuse). */
    void removeThread(int i) {
        ThreadStack t = threads[i];
        System.arraycopy(threads, i + 1, threads, i, threadCount - i - 1);
        threads[--threadCount] = t;
    }

    void addInterpreter(long id, boolean gc) {
        if (interpreterCount == interpreterIds.length) {
            interpreterIds = Arrays.copyOf(interpreterIds, interpreterCount * 2);
            interpreterGc = Arrays.copyOf(interpreterGc, interpreterCount * 2);
        }
        interpreterIds[interpreterCount] = id;
        interpreterGc[interpreterCount] = gc;
        interpreterCount++;
    }

    /** Number of thread stacks (all interpreters, in list order: newest interpreter and thread first). */
    public int threadCount() {
        return threadCount;
    }

    /** Thread stack {@code i}. */
    public ThreadStack thread(int i) {
        if (i < 0 || i >= threadCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return threads[i];
    }

    /** Number of interpreters seen. */
    public int interpreterCount() {
        return interpreterCount;
    }

    /** The id of interpreter {@code i} (list order). */
    public long interpreterId(int i) {
        if (i < 0 || i >= interpreterCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return interpreterIds[i];
    }

    /** Whether interpreter {@code i} was running a garbage collection. */
    public boolean gcCollecting(int i) {
        if (i < 0 || i >= interpreterCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return interpreterGc[i];
    }

    /**
     * Whether the interpreter and thread lists were walked to their ends. False when the runtime could not be read
     * or a list was cut short by a bad pointer (the threads before the cut are still reported).
     */
    public boolean complete() {
        return complete;
    }

    /**
     * Whether the runtime is finalizing ({@code _PyRuntime._finalizing} set): the process is shutting down and its
     * structures may be half torn down (cpython.md §12).
     */
    public boolean finalizing() {
        return finalizing;
    }

    /** How many memory reads (system calls) this pass made. */
    public long calls() {
        return calls;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("WalkResult[complete=").append(complete).append(", calls=")
                .append(calls).append(']');
        for (int i = 0; i < threadCount; i++) {
            sb.append("\n  ").append(threads[i]);
        }
        return sb.toString();
    }
}
