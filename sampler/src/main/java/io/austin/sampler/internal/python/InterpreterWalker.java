package io.austin.sampler.internal.python;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Walks every interpreter, thread and frame of a running CPython 3.8–3.14 through a {@link RemoteMemory}
 * (cpython.md §4–§8). One instance per target; not thread-safe; each {@link #walk()} is one sampling pass.
 *
 * <p>The walk is the runtime → interpreters → threads loop; the rest is delegated: {@link PassReader} plans and
 * batches the reads, a {@link FrameChain} follows each thread's frames (frame objects up to 3.10, interpreter frames
 * from 3.11), {@link CodeCache} turns code objects into frames and {@link RemoteObjects} decodes strings and bytes.
 *
 * <p>Cost model. A cold pass reads the runtime, one batch per interpreter, each thread state, the thread's frames (on
 * 3.11+ its data-stack chunk up to its current frame in one read; on 3.8–3.10 one read per frame object), then all
 * the code objects of the stack in one batched read. Strings and line tables are read only for code not seen
 * before. Every pass's ranges become the next pass's prefetch, so a steady stack costs one call per pass whatever
 * its depth. A steady-state pass allocates nothing: the result, its thread stacks and the frame references are
 * reused.
 *
 * <p>Robustness (§12): every pointer is checked, every loop is bounded, code-cache hits are re-checked on every pass,
 * and garbage in target memory makes a thread {@linkplain ThreadStack#invalid() invalid} (keeping its leaf-side
 * frames) instead of throwing.
 */
public final class InterpreterWalker {
    static final int MAX_INTERPRETERS = 256;
    static final int MAX_THREADS = 4096;
    /**
     * How many times a broken chain is walked again with fresh reads from the thread's current frame. Measured on a
     * target that recurses and returns all the time (testdata churn.py, about 75,000 samples in 2 s at 100 us): on 3.8
     * the first walk breaks for 1 sample in 18; with eight retries 14-34 samples stayed invalid per run (1 in
     * 2,200-5,400 here, 1 in 881 on a slower CI machine), because a thread that recurses in a tight loop breaks several
     * walks in a row; with 32, 0-2 per run: 98 % of the broken walks need 1-3 retries, the rest up to about 20. 3.11+
     * read a chunk of frames at once and broke less (1 in 2,600-4,700 with no retry), but broke too.
     */
    static final int LIVE_RETRIES = 32;
    /**
     * The frames that retries may read in one pass, over all threads (about a millisecond of reads): on a hostile or
     * looping chain the retries stop there rather than walking 2,048 frames 32 times per thread.
     */
    static final int LIVE_RETRY_FRAMES = 4096;
    /** An instruction offset beyond this is garbage (code objects are far smaller). */
    static final long MAX_ADDRQ = 1 << 24;

    private final PassReader reader;
    private final Layout lay;
    private final List<LayoutDifference> differences;
    private final long runtime;
    private final RemoteObjects objects;
    private final CodeCache codes;
    private final FrameChain chain;
    /** The same chain for 3.8–3.10 (thread ids in struct pthread), else null. */
    private final FrameObjectChain objectChain;
    private final ChainFrames frames = new ChainFrames();

    private final int rtLo;
    private final int rtLen;
    private final int tsLen;
    private final ByteBuffer rtBuf;
    private final ByteBuffer small = PassReader.buffer(256);
    /** What is left of this pass's {@link #LIVE_RETRY_FRAMES}. */
    private int retryFramesLeft;
    private final ByteBuffer tsBuf;
    /** The thread state read again for a retry. */
    private final ByteBuffer liveTs;
    private final long[] bAddr = new long[8];
    private final int[] bLen = new int[8];
    private final int[] bOff = new int[8];
    private final LongIntMap seenLists = new LongIntMap(MAX_INTERPRETERS + MAX_THREADS + 2);
    private final LongIntMap threadIndex = new LongIntMap(MAX_THREADS);
    private final WalkResult result = new WalkResult();
    /** Passes ended by an exception the checks should have prevented (a bug if ever non-zero). */
    private long unexpected;

    private InterpreterWalker(RemoteMemory mem, Layout lay, List<LayoutDifference> differences, long runtime,
            long codeType, int pid) {
        this.reader = new PassReader(mem);
        this.lay = lay;
        this.differences = differences;
        this.runtime = runtime;
        this.objects = new RemoteObjects(reader, lay);
        this.codes = new CodeCache(reader, objects, lay, codeType);
        if (lay.frameChain == Layout.FrameChain.FRAME_OBJECT) {
            objectChain = new FrameObjectChain(reader, lay, pid);
            chain = objectChain;
        } else {
            objectChain = null;
            chain = new InterpreterFrameChain(reader, lay);
        }
        int lo = lay.rtInterpretersHead;
        int hi = lay.rtInterpretersHead + 8;
        int[] extra = {lay.rtGcCollecting, lay.rtGilstateTstateCurrent, lay.rtFinalizing,
            objectChain != null ? lay.rtMainThread : -1};
        for (int off : extra) {
            if (off >= 0) {
                lo = Math.min(lo, off);
                hi = Math.max(hi, off + 8);
            }
        }
        this.rtLo = lo;
        this.rtLen = hi - lo;
        this.rtBuf = PassReader.buffer(rtLen);
        this.tsLen = lay.threadReadLength();
        this.tsBuf = PassReader.buffer(tsLen);
        this.liveTs = PassReader.buffer(tsLen);
    }

    /**
     * Creates a walker for a target.
     *
     * @param memory           the target's memory
     * @param major            Python major version (3)
     * @param minor            Python minor version (8–14)
     * @param runtimeAddress   the remote address of {@code _PyRuntime}
     * @param codeTypeAddress  the remote address of {@code PyCode_Type}, or 0 if unknown: the walker then
     *                         recognises code objects by their type's {@code tp_name} ("code")
     * @param pid              the target's process id as seen in its own PID namespace (used on 3.8–3.10 to find
     *                         the TID inside glibc's {@code struct pthread})
     * @throws UnsupportedPythonException for versions outside 3.8–3.14, free-threaded builds, or (3.13+) a debug
     *                                    offsets block that cannot be read or is implausible
     */
    public static InterpreterWalker create(RemoteMemory memory, int major, int minor, long runtimeAddress,
            long codeTypeAddress, int pid) {
        if (memory == null) {
            throw new NullPointerException("memory");
        }
        if (runtimeAddress == 0) {
            throw new IllegalArgumentException("runtime address is 0");
        }
        Layout layout = Layouts.forVersion(major, minor);
        List<LayoutDifference> diffs = List.of();
        int blockSize = DebugOffsets.blockSize(major, minor);
        if (blockSize > 0) {
            ByteBuffer block = PassReader.buffer(blockSize);
            if (!memory.read(runtimeAddress, block, 0, blockSize)) {
                throw new UnsupportedPythonException(String.format(
                        "cannot read the _Py_DebugOffsets block at 0x%x", runtimeAddress));
            }
            DebugOffsets.Result r = DebugOffsets.decode(block, major, minor);
            layout = r.layout();
            diffs = r.differences();
        }
        return new InterpreterWalker(memory, layout, diffs, runtimeAddress, codeTypeAddress, pid);
    }

    /**
     * Runs the attach's code once over {@code memory}, which has no Python in it (the sampler's own process): a walker
     * for each kind of frame chain (3.10's frame objects, 3.12's interpreter frames under a {@code cframe}, 3.13's
     * from the thread state, its layout decoded from a debug-offsets block), so that an attach to any version runs
     * code already loaded, linked and run, not cold (a cold 3.10 walker took the attach 4-6 ms).
     */
    public static void warmUp(RemoteMemory memory, int pid) {
        for (int minor : new int[] {10, 12}) {
            new InterpreterWalker(memory, Layouts.forVersion(3, minor), List.of(), 0x1000, 0, pid).walk();
        }
        DebugOffsets.Result r = DebugOffsets.decode(DebugOffsets.blockOf(Layouts.forVersion(3, 13)), 3, 13);
        new InterpreterWalker(memory, r.layout(), r.differences(), 0x1000, 0, pid).walk();
    }

    /** The layout in use (from the table, or for 3.13+ from the target's debug offsets). */
    public Layout layout() {
        return lay;
    }

    /** Offsets where the target's debug block disagreed with the built-in table (empty before 3.13). */
    public List<LayoutDifference> layoutDifferences() {
        return differences;
    }

    /** The {@code PyCode_Type} address, given or learned from {@code tp_name}; 0 while unknown. */
    public long codeTypeAddress() {
        return codes.codeType();
    }

    /**
     * The offset of the TID inside glibc's {@code struct pthread} in use on 3.8–3.10 (-1 while not yet found; 0 on
     * 3.11+, which need none).
     */
    public int pthreadTidOffset() {
        return objectChain == null ? 0 : objectChain.tidOffset();
    }

    /**
     * Passes so far that ended early on an exception the pointer checks should have prevented: a walker bug (or a
     * target layout this walker does not understand) worth logging, never an error of the target. Normally 0.
     */
    public long unexpectedErrors() {
        return unexpected;
    }

    /** Test hook: without the prefetch every range is read when the walk needs it. */
    void setPrefetch(boolean on) {
        reader.prefetch = on;
    }

    /** Decodes a {@code str} object of the target (tests). */
    String readString(long s) {
        return objects.readString(s);
    }

    /** Reads a {@code bytes} object of the target (tests). */
    byte[] readBytes(long p) {
        return objects.readBytes(p);
    }

    /**
     * One sampling pass over every interpreter and thread. Never throws for garbage in the target's memory.
     *
     * @return the walker's reusable result, valid until the next call
     */
    public WalkResult walk() {
        long callsBefore = reader.calls();
        WalkResult r = result;
        r.reset();
        codes.beginPass();
        retryFramesLeft = LIVE_RETRY_FRAMES;
        try {
            reader.beginPass();
            walkRuntime(r);
        } catch (RuntimeException e) {
            // Target garbage must never escape a pass; anything that slipped past the checks ends the pass here.
            // Counted, so that tests can insist it never happens.
            unexpected++;
            r.complete = false;
        }
        r.calls = reader.calls() - callsBefore;
        return r;
    }

    private void walkRuntime(WalkResult r) {
        if (!reader.fetch(runtime + rtLo, rtBuf, 0, rtLen)) {
            r.complete = false;
            return;
        }
        if (objectChain != null) {
            objectChain.discoverTidOffset(rtBuf.getLong(lay.rtMainThread - rtLo), objects.scratch());
        }
        long gilHolder = lay.gilMethod == Layout.GilMethod.RUNTIME_TSTATE_CURRENT
                ? rtBuf.getLong(lay.rtGilstateTstateCurrent - rtLo) : 0;
        boolean runtimeGc = lay.rtGcCollecting >= 0 && rtBuf.getInt(lay.rtGcCollecting - rtLo) != 0;
        r.finalizing = lay.rtFinalizing >= 0 && rtBuf.getLong(lay.rtFinalizing - rtLo) != 0;
        long interp = rtBuf.getLong(lay.rtInterpretersHead - rtLo);
        seenLists.clear();
        int threadsLeft = MAX_THREADS;
        for (int n = 0; interp != 0; n++) {
            if (n >= MAX_INTERPRETERS || !validPointer(interp) || !seenLists.add(interp)) {
                r.complete = false;
                return;
            }
            int count = 0;
            count = addRange(count, interp + lay.isNext, 8);
            count = addRange(count, interp + lay.isId, 8);
            count = addRange(count, interp + lay.isThreadsHead, 8);
            boolean interpGc = lay.isGcCollecting >= 0;
            if (interpGc) {
                count = addRange(count, interp + lay.isGcCollecting, 4);
            }
            boolean cevalGil = lay.gilMethod == Layout.GilMethod.INTERPRETER_CEVAL_GIL && lay.isCevalGil >= 0;
            if (cevalGil) {
                count = addRange(count, interp + lay.isCevalGil, 8);
            }
            if (reader.fetchBatch(bAddr, bLen, bOff, count, small) != count) {
                r.complete = false;
                return;
            }
            long next = small.getLong(0);
            long iid = small.getLong(8);
            long threads = small.getLong(16);
            boolean gc = interpGc ? small.getInt(24) != 0 : runtimeGc;
            if (cevalGil) {
                gilHolder = readGilHolder(small.getLong(32));
            }
            r.addInterpreter(iid, gc);
            long ts = threads;
            while (ts != 0) {
                if (threadsLeft-- <= 0 || !validPointer(ts) || !seenLists.add(ts)) {
                    r.complete = false;
                    break;
                }
                if (!reader.fetch(ts, tsBuf, 0, tsLen) || tsBuf.getLong(lay.tsInterp) != interp) {
                    // Without a readable, matching thread state the rest of the list cannot be trusted.
                    r.complete = false;
                    break;
                }
                ThreadStack t = r.addThread();
                t.interpreterId = iid;
                t.threadState = ts;
                t.gcCollecting = gc;
                walkThread(t, ts, gilHolder);
                ts = tsBuf.getLong(lay.tsNext);
            }
            interp = next;
        }
        dropStartingThreads(r);
    }

    /**
     * A thread being started has, for a moment, a thread state that the starting thread created and filled in with
     * its own ids (CPython up to 3.11 does so; the new thread writes its own when it runs): two states then claim one
     * thread of one interpreter. One sample per thread: the state with frames, which is the starter's; the empty
     * one is dropped (and otherwise the later one in list order). Linear in the threads.
     */
    private void dropStartingThreads(WalkResult r) {
        int n = r.threadCount;
        if (n < 2) {
            return;
        }
        threadIndex.clear();
        for (int i = 0; i < n; i++) {
            ThreadStack t = r.threads[i];
            long key = t.nativeThreadId ^ (t.interpreterId << 40);
            int j = threadIndex.get(key);
            if (j < 0) {
                threadIndex.put(key, i);
                continue;
            }
            ThreadStack first = r.threads[j];
            if (first.nativeThreadId != t.nativeThreadId || first.interpreterId != t.interpreterId) {
                continue; // another thread under the same key: keep both
            }
            if (first.depth() == 0 && t.depth() > 0) {
                r.threads[j] = t; // the one with frames takes the first one's place in the order
                r.threads[i] = first;
            }
            r.removeThread(i);
            i--;
            n--;
        }
    }

    private int addRange(int i, long address, int length) {
        bAddr[i] = address;
        bLen[i] = length;
        bOff[i] = i * 8;
        return i + 1;
    }

    private long readGilHolder(long gil) {
        if (!validPointer(gil)) {
            return 0;
        }
        int lo = Math.min(lay.gilLastHolder, lay.gilLocked);
        int hi = Math.max(lay.gilLastHolder + 8, lay.gilLocked + 4);
        if (!reader.fetch(gil + lo, small, 64, hi - lo)) {
            return 0;
        }
        boolean locked = small.getInt(64 + lay.gilLocked - lo) != 0;
        return locked ? small.getLong(64 + lay.gilLastHolder - lo) : 0;
    }

    private void walkThread(ThreadStack t, long ts, long gilHolder) {
        ByteBuffer b = tsBuf;
        long pthread = b.getLong(lay.tsThreadId);
        t.threadId = pthread;
        switch (lay.gilMethod) {
            case STATUS_BIT -> t.holdsGil = ((b.getInt(lay.tsStatus) >>> lay.tsHoldsGilBit) & 1) != 0;
            case HOLDS_GIL_INT -> t.holdsGil = b.getInt(lay.tsHoldsGil) != 0;
            default -> t.holdsGil = gilHolder == ts;
        }
        long preloaded = 0;
        if (lay.tsNativeThreadId >= 0) {
            t.nativeThreadId = b.getLong(lay.tsNativeThreadId);
        } else if (objectChain != null) {
            // 3.8-3.10: the TID lives in glibc's struct pthread, read in the same call as the leaf frame.
            t.nativeThreadId = objectChain.threadId(pthread, b.getLong(lay.tsFrame));
            preloaded = objectChain.preloaded();
        }
        long frame = currentFrame(b, false);
        if (frame == -1) {
            t.invalid = true;
            return;
        }
        long chunk = lay.tsDatastackChunk >= 0 ? b.getLong(lay.tsDatastackChunk) : 0;
        int n = chain.collect(frame, chunk, preloaded, frames);
        for (int retry = 0; n < 0 && retry < LIVE_RETRIES && retryFramesLeft > 0
                && reader.read(ts, liveTs, 0, tsLen); retry++) {
            // The thread's stack changed under the walk (3.8-3.10 free and reuse frame objects with every call;
            // 3.11+ pop and push frames in their chunk): walked again from the thread's current frame, all read now.
            frame = currentFrame(liveTs, true);
            if (frame == -1) {
                break;
            }
            chunk = lay.tsDatastackChunk >= 0 ? liveTs.getLong(lay.tsDatastackChunk) : 0;
            n = chain.collectLive(frame, chunk, frames);
            retryFramesLeft -= n < 0 ? -n : n + 1;
        }
        boolean bad = n < 0;
        if (bad) {
            n = -n - 1;
        }
        codes.resolve(frames, n, bad, t);
    }

    /**
     * The thread's current frame from its thread state in {@code b} (3.11 through its {@code cframe}, read from the
     * prefetch or now), 0 for none, -1 when it cannot be read.
     */
    private long currentFrame(ByteBuffer b, boolean live) {
        if (lay.frameChain != Layout.FrameChain.CFRAME) {
            return b.getLong(lay.tsFrame);
        }
        long cf = b.getLong(lay.tsCframe);
        if (cf == 0) {
            return 0;
        }
        if (!validPointer(cf) || !reader.fetch(cf + lay.cfCurrentFrame, small, 0, 8, live)) {
            return -1;
        }
        return small.getLong(0);
    }

    static boolean validPointer(long p) {
        return p > 0x1000 && (p & 7) == 0 && p < (1L << 47);
    }

    @Override
    public String toString() {
        return "InterpreterWalker[" + lay + ", runtime=0x" + Long.toHexString(runtime) + ", codes=" + codes.size()
                + "]";
    }
}
