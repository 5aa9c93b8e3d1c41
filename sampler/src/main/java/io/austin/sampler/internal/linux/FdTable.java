package io.austin.sampler.internal.linux;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Open file descriptors by thread id: open addressing over int arrays, so lookups do not box. */
final class FdTable {
    private static final int FREE = 0;
    private static final int GONE = -1;
    private final int limit;
    private int[] tids;
    private int[] fds;
    private int size;
    private int gone;

    FdTable(final int limit) {
        this.limit = limit;
        tids = new int[Integer.highestOneBit(limit * 4 - 1) << 1];
        fds = new int[tids.length];
    }

    int size() {
        return size;
    }

    boolean full() {
        return size >= limit;
    }

    private int slot(final int tid) {
        return (tid * 0x9E3779B9) >>> 1 & tids.length - 1;
    }

    /** The descriptor for {@code tid} (positive), or -1. */
    int get(final int tid) {
        for (int i = slot(tid); ; i = i + 1 & tids.length - 1) {
            final int t = tids[i];
            if (t == tid) {
                return fds[i];
            }
            if (t == FREE) {
                return -1;
            }
        }
    }

    void put(final int tid, final int fd) {
        if (size + gone + 1 > tids.length / 2) {
            rehash();
        }
        int i = slot(tid);
        while (tids[i] != FREE && tids[i] != GONE && tids[i] != tid) {
            i = i + 1 & tids.length - 1;
        }
        if (tids[i] == GONE) {
            gone--;
        }
        if (tids[i] != tid) {
            size++;
        }
        tids[i] = tid;
        fds[i] = fd;
    }

    void remove(final int tid) {
        for (int i = slot(tid); ; i = i + 1 & tids.length - 1) {
            final int t = tids[i];
            if (t == tid) {
                tids[i] = GONE;
                size--;
                gone++;
                return;
            }
            if (t == FREE) {
                return;
            }
        }
    }

    /** Closes and forgets the descriptors that {@code readable} rejects. */
    void sweep(final IntPredicate readable) {
        for (int i = 0; i < tids.length; i++) {
            if (tids[i] > 0 && !readable.test(fds[i])) {
                LibC.close(fds[i]);
                tids[i] = GONE;
                size--;
                gone++;
            }
        }
    }

    void closeAll() {
        for (int i = 0; i < tids.length; i++) {
            if (tids[i] > 0) {
                LibC.close(fds[i]);
            }
        }
        Arrays.fill(tids, FREE);
        size = 0;
        gone = 0;
    }

    private void rehash() {
        final int[] oldTids = tids;
        final int[] oldFds = fds;
        tids = new int[oldTids.length];
        fds = new int[oldTids.length];
        size = 0;
        gone = 0;
        for (int i = 0; i < oldTids.length; i++) {
            if (oldTids[i] > 0) {
                put(oldTids[i], oldFds[i]);
            }
        }
    }
}
