package io.austin.sampler.internal.python;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hot-path reads of a walker: every range a pass reads becomes the next pass's plan, fetched in one batched call
 * when the pass begins; the walk then takes what it needs from that copy when address and length match, and reads
 * the rest. Every byte used is still read during the pass (nothing is stale), and a steady stack costs one system
 * call per pass whatever its depth. Cold reads (strings, line tables) go to the memory directly and are not planned.
 * Not thread-safe.
 */
final class PassReader {
    static final int MAX_BATCH = 1024;
    static final int MAX_PLAN = 4096;
    static final int MAX_PLAN_BYTES = 8 << 20;
    private static final int MAX_PREFETCH_FAILURES = 4;

    private final RemoteMemory mem;
    /** Test hook: without the prefetch every range is read when the walk asks for it. */
    boolean prefetch = true;
    private long[] planAddr = new long[MAX_PLAN];
    private int[] planLen = new int[MAX_PLAN];
    private int planCount;
    private long planBytes;
    private final LongIntMap planIndex = new LongIntMap(MAX_PLAN);
    private long[] pfAddr = new long[MAX_PLAN];
    private int[] pfLen = new int[MAX_PLAN];
    private final int[] pfOff = new int[MAX_PLAN];
    private int pfCount;
    private final LongIntMap pfIndex = new LongIntMap(MAX_PLAN);
    /** Grows to what a pass reads (a few KB per thread): 64 KB from the start was most of a walker's memory. */
    private ByteBuffer pfBuf = buffer(8 * 1024);
    private final long[] mAddr = new long[MAX_BATCH];
    private final int[] mLen = new int[MAX_BATCH];
    private final int[] mOff = new int[MAX_BATCH];
    private final int[] mIndex = new int[MAX_BATCH];

    PassReader(RemoteMemory mem) {
        this.mem = mem;
    }

    /** The memory behind the reader, for cold, unplanned reads. */
    RemoteMemory memory() {
        return mem;
    }

    /** How many system calls the memory has made so far. */
    long calls() {
        return mem.calls();
    }

    /** Fetches last pass's plan in one batched read (more only when some range fails) and starts a new plan. */
    void beginPass() {
        long[] a = pfAddr;
        int[] l = pfLen;
        pfAddr = planAddr;
        pfLen = planLen;
        planAddr = a;
        planLen = l;
        pfCount = prefetch ? planCount : 0;
        planCount = 0;
        planBytes = 0;
        planIndex.clear();
        pfIndex.clear();
        int total = 0;
        for (int i = 0; i < pfCount; i++) {
            pfOff[i] = total;
            total += (pfLen[i] + 7) & ~7;
        }
        if (total > pfBuf.capacity()) {
            pfBuf = buffer(Math.max(total, pfBuf.capacity() * 2));
        }
        int failures = 0;
        int i = 0;
        while (i < pfCount && failures <= MAX_PREFETCH_FAILURES) {
            int count = Math.min(MAX_BATCH, pfCount - i);
            int got = Math.max(0, readBatchAt(pfAddr, pfLen, pfOff, i, count));
            for (int j = i; j < i + got; j++) {
                pfIndex.put(pfAddr[j], j);
            }
            if (got < count) {
                failures++;
                got++; // skip the range that failed
            }
            i += got;
        }
    }

    /** {@code readBatch} over {@code count} ranges of the arrays starting at {@code from}. */
    private int readBatchAt(long[] addr, int[] len, int[] off, int from, int count) {
        if (from == 0) {
            return mem.readBatch(addr, len, off, count, pfBuf);
        }
        for (int j = 0; j < count; j++) {
            mAddr[j] = addr[from + j];
            mLen[j] = len[from + j];
            mOff[j] = off[from + j];
        }
        return mem.readBatch(mAddr, mLen, mOff, count, pfBuf);
    }

    /** Adds a range to the next pass's plan (the longest length wins for an address). */
    void record(long address, int length) {
        int i = planIndex.get(address);
        if (i >= 0) {
            if (planLen[i] < length) {
                planBytes += length - planLen[i];
                planLen[i] = length;
            }
            return;
        }
        if (planCount >= MAX_PLAN || planBytes + length > MAX_PLAN_BYTES) {
            return;
        }
        planAddr[planCount] = address;
        planLen[planCount] = length;
        planIndex.put(address, planCount);
        planCount++;
        planBytes += length;
    }

    /** A hot-path read: from this pass's prefetch when it holds the range, else from the target; recorded. */
    boolean fetch(long address, ByteBuffer dst, int dstOffset, int length) {
        int s = pfIndex.get(address);
        if (s >= 0 && pfLen[s] >= length) {
            dst.put(dstOffset, pfBuf, pfOff[s], length);
        } else if (!mem.read(address, dst, dstOffset, length)) {
            return false;
        }
        record(address, length);
        return true;
    }

    /**
     * A hot-path batched read with {@code readBatch}'s contract (the number of leading ranges obtained): ranges
     * in the prefetch are copied, the others read in one call.
     */
    int fetchBatch(long[] addr, int[] len, int[] off, int count, ByteBuffer dst) {
        int misses = 0;
        for (int i = 0; i < count; i++) {
            int s = pfIndex.get(addr[i]);
            if (s >= 0 && pfLen[s] >= len[i]) {
                dst.put(off[i], pfBuf, pfOff[s], len[i]);
            } else {
                mAddr[misses] = addr[i];
                mLen[misses] = len[i];
                mOff[misses] = off[i];
                mIndex[misses] = i;
                misses++;
            }
        }
        int got = misses == 0 ? 0 : Math.max(0, mem.readBatch(mAddr, mLen, mOff, misses, dst));
        int leading = got < misses ? mIndex[got] : count;
        for (int i = 0; i < leading; i++) {
            record(addr[i], len[i]);
        }
        return leading;
    }

    /**
     * A hot-path read ({@link #fetch}), or with {@code live} a read made now, past the prefetch and not planned (a
     * chain walked again because the stack changed under the first walk).
     */
    boolean fetch(long address, ByteBuffer dst, int dstOffset, int length, boolean live) {
        return live ? read(address, dst, dstOffset, length) : fetch(address, dst, dstOffset, length);
    }

    /** A cold read, straight from the target and not planned. */
    boolean read(long address, ByteBuffer dst, int dstOffset, int length) {
        return mem.read(address, dst, dstOffset, length);
    }

    static ByteBuffer buffer(int size) {
        return ByteBuffer.allocateDirect(Math.max(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
