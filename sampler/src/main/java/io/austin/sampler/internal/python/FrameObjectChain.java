package io.austin.sampler.internal.python;

import java.nio.ByteBuffer;

/**
 * 3.8–3.10: a thread's frames are {@code PyFrameObject}s linked by {@code f_back}, each read on its own (the leaf
 * together with the thread's id). The native thread id is not in the thread state: it lives in glibc's
 * {@code struct pthread}, at an offset found once by looking for the PID in the main thread's (§4.2).
 */
final class FrameObjectChain implements FrameChain {
    private static final int TID_SCAN_BYTES = 2048;
    private static final int TID_DISCOVERY_PASSES = 64;

    private final PassReader reader;
    private final Layout lay;
    private final int pid;
    /** Where in {@code frBuf} the TID lands when read together with the leaf frame. */
    private final int tidSlot;
    private final ByteBuffer frBuf;
    private final ByteBuffer small = PassReader.buffer(16);
    private final long[] bAddr = new long[2];
    private final int[] bLen = new int[2];
    private final int[] bOff = new int[2];
    private final LongIntMap seen = new LongIntMap(ChainFrames.MAX_DEPTH + 2);
    private int tidOffset = -1;
    private int tidDiscoveryLeft = TID_DISCOVERY_PASSES;

    FrameObjectChain(PassReader reader, Layout lay, int pid) {
        this.reader = reader;
        this.lay = lay;
        this.pid = pid;
        this.tidSlot = (lay.frSize + 7) & ~7;
        this.frBuf = PassReader.buffer(tidSlot + 8);
    }

    /** The TID's offset in {@code struct pthread}: -1 while not yet found. */
    int tidOffset() {
        return tidOffset;
    }

    /**
     * Finds the TID's offset in glibc's {@code struct pthread} by looking for the PID in the main thread's struct,
     * preferring the known 720. Tried on the first passes, then the layout's default is kept.
     *
     * @param mainThread the main thread's {@code pthread_t} from the runtime
     */
    void discoverTidOffset(long mainThread, ByteBuffer scratch) {
        if (tidOffset >= 0) {
            return;
        }
        int fallback = lay.pthreadTidOffset;
        if (pid <= 0 || lay.rtMainThread < 0 || tidDiscoveryLeft-- <= 0) {
            tidOffset = fallback;
            return;
        }
        if (mainThread == 0 || (mainThread & 7) != 0) {
            return;
        }
        int len = TID_SCAN_BYTES;
        while (len >= 64 && !reader.read(mainThread, scratch, 0, len)) {
            len /= 2;
        }
        if (len < 64) {
            return;
        }
        if (fallback + 4 <= len && scratch.getInt(fallback) == pid) {
            tidOffset = fallback;
            return;
        }
        for (int off = 0; off + 4 <= len; off += 4) {
            if (scratch.getInt(off) == pid) {
                tidOffset = off;
                return;
            }
        }
    }

    /**
     * The native id of the thread whose {@code pthread_t} is {@code pthread}, read in the same call as its leaf frame
     * when that is a valid pointer.
     *
     * @return the TID (0 if unreadable); {@link #preloaded()} then says whether the leaf frame came with it
     */
    long threadId(long pthread, long leafFrame) {
        preloaded = 0;
        if (pthread == 0 || tidOffset <= 0) {
            return 0;
        }
        int got = 0;
        if (InterpreterWalker.validPointer(leafFrame)) {
            bAddr[0] = leafFrame;
            bLen[0] = lay.frSize;
            bOff[0] = 0;
            bAddr[1] = pthread + tidOffset;
            bLen[1] = 4;
            bOff[1] = tidSlot;
            got = reader.fetchBatch(bAddr, bLen, bOff, 2, frBuf);
        }
        if (got >= 1) {
            preloaded = leafFrame;
        }
        if (got == 2) {
            return frBuf.getInt(tidSlot);
        }
        if (got == 0) {
            return reader.fetch(pthread + tidOffset, small, 0, 4) ? small.getInt(0) : 0;
        }
        return 0;
    }

    private long preloaded;

    /** The leaf frame {@link #threadId} read into the chain's buffer, or 0. */
    long preloaded() {
        return preloaded;
    }

    @Override
    public int collect(long fr, long chunk, long preloadedFrame, ChainFrames out) {
        return collect(fr, preloadedFrame, out, false);
    }

    @Override
    public int collectLive(long fr, long chunk, ChainFrames out) {
        return collect(fr, 0, out, true);
    }

    private int collect(long fr, long preloadedFrame, ChainFrames out, boolean live) {
        seen.clear();
        int size = lay.frSize;
        int n = 0;
        long preload = preloadedFrame;
        // Steps, not frames, bound the loop: the seen-set has a fixed capacity.
        for (int steps = 0; fr != 0; steps++) {
            if (steps >= ChainFrames.MAX_DEPTH || !InterpreterWalker.validPointer(fr) || !seen.add(fr)) {
                return -n - 1;
            }
            if (fr == preload) {
                preload = 0;
            } else if (!reader.fetch(fr, frBuf, 0, size, live)) {
                return -n - 1;
            }
            long previous = frBuf.getLong(lay.frPrevious);
            long code = frBuf.getLong(lay.frExecutable) & ~lay.executableTagMask;
            int lasti = frBuf.getInt(lay.frLasti);
            long addrq = lay.lastiUnit == Layout.LastiUnit.CODE_UNITS ? 2L * lasti : lasti;
            if (!InterpreterWalker.validPointer(code) || addrq < -2 || addrq > InterpreterWalker.MAX_ADDRQ) {
                return -n - 1;
            }
            out.code[n] = code;
            out.addrq[n] = (int) addrq;
            out.owner[n] = 0;
            n++;
            if (previous == fr) {
                return -n - 1;
            }
            fr = previous;
        }
        return n;
    }
}
