package io.austin.sampler.internal.python;

import java.nio.ByteBuffer;

/**
 * 3.11+: a thread's frames are {@code _PyInterpreterFrame}s linked by {@code previous}, most of them in the thread's
 * data-stack chunks. The first frame met in a chunk is its highest, so one read of the chunk from its start up to that
 * frame covers every older frame of the chunk: a steady stack costs one read per chunk. Frames elsewhere (generators,
 * shims) are read one by one. Shim and C-owned frames are skipped; an unknown owner, a cycle or a bad pointer ends the
 * chain as incomplete. The executable pointer may be tagged (3.14) and is masked.
 */
final class InterpreterFrameChain implements FrameChain {
    static final int MAX_WINDOW = 1 << 20;
    private static final int WINDOW_SLACK = 2048;

    private final PassReader reader;
    private final Layout lay;
    private final long tagMask;
    private final ByteBuffer frBuf;
    private final LongIntMap seen = new LongIntMap(ChainFrames.MAX_DEPTH + 2);
    /** Both grow to the deepest window read (up to a data-stack chunk); a shallow stack needs a few hundred bytes. */
    private ByteBuffer win = PassReader.buffer(4 * 1024);
    private ByteBuffer spare = PassReader.buffer(4 * 1024);
    private long winStart;
    private long winEnd;
    private long winPrevious;

    InterpreterFrameChain(PassReader reader, Layout lay) {
        this.reader = reader;
        this.lay = lay;
        this.tagMask = lay.executableTagMask;
        this.frBuf = PassReader.buffer(lay.frSize);
    }

    @Override
    public int collect(long fr, long chunk, long preloaded, ChainFrames out) {
        return collect(fr, chunk, out, false);
    }

    @Override
    public int collectLive(long fr, long chunk, ChainFrames out) {
        return collect(fr, chunk, out, true);
    }

    private int collect(long fr, long chunk, ChainFrames out, boolean live) {
        seen.clear();
        winStart = 0;
        winEnd = 0;
        int size = lay.frSize;
        int n = 0;
        long nextChunk = chunk;
        // Steps, not frames, bound the loop: skipped frames count too, and the seen-set has a fixed capacity.
        for (int steps = 0; fr != 0; steps++) {
            if (steps >= ChainFrames.MAX_DEPTH || !InterpreterWalker.validPointer(fr) || !seen.add(fr)) {
                return -n - 1;
            }
            ByteBuffer b;
            int o;
            if (fr >= winStart && fr + size <= winEnd) {
                b = win;
                o = (int) (fr - winStart);
            } else if (loadWindow(nextChunk, fr, size, live)) {
                nextChunk = winPrevious;
                b = win;
                o = (int) (fr - winStart);
            } else {
                if (!reader.fetch(fr, frBuf, 0, size, live)) {
                    return -n - 1;
                }
                b = frBuf;
                o = 0;
            }
            long previous = b.getLong(o + lay.frPrevious);
            long code = b.getLong(o + lay.frExecutable) & ~tagMask;
            int owner = b.get(o + lay.frOwner) & 0xFF;
            if (owner > 30 || ((1 << owner) & lay.ownerKnownMask) == 0) {
                return -n - 1;
            }
            if (((1 << owner) & lay.ownerSkipMask) != 0) {
                if (previous == fr) {
                    return -n - 1;
                }
                fr = previous;
                continue;
            }
            long addrq = b.getLong(o + lay.frLasti) - (code + lay.coCodeAdaptive);
            if (!InterpreterWalker.validPointer(code) || addrq < -2 || addrq > InterpreterWalker.MAX_ADDRQ) {
                return -n - 1;
            }
            out.code[n] = code;
            out.addrq[n] = (int) addrq;
            out.owner[n] = owner;
            n++;
            if (previous == fr) {
                return -n - 1;
            }
            fr = previous;
        }
        return n;
    }

    /**
     * Reads a data-stack chunk from its start up to the end of frame {@code fr} in one call, when {@code fr} lies in
     * it: from the pass's prefetch when it holds it, or all now when {@code live}.
     */
    private boolean loadWindow(long chunk, long fr, int size, boolean live) {
        if (chunk == 0 || !InterpreterWalker.validPointer(chunk) || fr <= chunk || fr - chunk > MAX_WINDOW - size) {
            return false;
        }
        int len = (int) (fr + size - chunk);
        if (len > spare.capacity()) {
            spare = PassReader.buffer(Math.min(MAX_WINDOW, Math.max(len, spare.capacity() * 2)));
        }
        // Read into the spare buffer: a failed read may have scribbled on it, and the current window stays valid.
        if (!reader.fetch(chunk, spare, 0, len, live)) {
            return false;
        }
        long chunkSize = spare.getLong(8);
        if (chunkSize < len || chunkSize > (1L << 32)) {
            return false;
        }
        // Next pass, prefetch a little more of the chunk so that a slightly deeper stack is still covered.
        reader.record(chunk, (int) Math.min(chunkSize, Math.min(MAX_WINDOW, len + WINDOW_SLACK)));
        ByteBuffer t = win;
        win = spare;
        spare = t;
        winStart = chunk;
        winEnd = chunk + len;
        winPrevious = win.getLong(0);
        return true;
    }
}
