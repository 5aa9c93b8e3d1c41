package io.austin.sampler.internal.python;

import io.austin.formats.FrameRef;
import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Walks every interpreter, thread and frame of a running CPython 3.8–3.14 through a {@link RemoteMemory}
 * (cpython.md §4–§8). One instance per target; not thread-safe; each {@link #walk()} is one sampling pass.
 *
 * <p>Cost model. A cold pass reads the runtime, one batch per interpreter, each thread state, on 3.11+ the
 * thread's data-stack chunk up to its current frame in one read (frames in it are decoded from that copy; frames
 * elsewhere, e.g. generators and shims, one read each), on 3.8–3.10 one read per frame object, then all the code
 * objects of the stack in one batched read to re-check the code cache. Strings and line tables are read only for code
 * objects not seen before. Every pass records the ranges it read and the next pass fetches them all in one batched
 * read first, so a steady stack costs one call per pass whatever its depth; only what changed is read again. A
 * steady-state pass allocates nothing: the result, its thread stacks and the frame references are reused.
 *
 * <p>Robustness (§12): every pointer is checked, every loop is bounded, code-cache hits are re-checked against the
 * code object's fields on every pass (addresses are reused), and garbage in target memory makes a thread
 * {@linkplain ThreadStack#invalid() invalid} (keeping its leaf-side frames) instead of throwing.
 */
public final class StackWalker {
    static final int MAX_INTERPRETERS = 256;
    static final int MAX_THREADS = 4096;
    static final int MAX_DEPTH = 2048;
    static final int MAX_STRING = 4096;
    static final int MAX_TABLE = 256 * 1024;
    static final int MAX_WINDOW = 1 << 20;
    static final int MAX_BATCH = 1024;
    /** An instruction offset beyond this is garbage (code objects are far smaller). */
    static final long MAX_ADDRQ = 1 << 24;
    private static final int TID_SCAN_BYTES = 2048;
    private static final int TID_DISCOVERY_PASSES = 64;

    private final RemoteMemory mem;
    private final Layout lay;
    private final List<LayoutDifference> differences;
    private final long runtime;
    private final int pid;
    private long codeType;
    private final long tagMask;

    private final int rtLo;
    private final int rtLen;
    private final int tsLen;
    private final int codeLen;
    /** Where in {@code frBuf} the TID lands when read together with the leaf frame (3.8–3.10). */
    private final int tidSlot;

    private final ByteBuffer rtBuf;
    private final ByteBuffer small = buffer(256);
    private final ByteBuffer tsBuf;
    private final ByteBuffer frBuf;
    private final ByteBuffer codeBuf;
    private final ByteBuffer objBuf = buffer(MAX_STRING * 4 + 256);
    private ByteBuffer tableBuf = buffer(4096);
    private ByteBuffer win = buffer(16 * 1024);
    private ByteBuffer spare = buffer(16 * 1024);
    private long winStart;
    private long winEnd;
    private long winPrevious;

    private final long[] bAddr = new long[MAX_BATCH];
    private final int[] bLen = new int[MAX_BATCH];
    private final int[] bOff = new int[MAX_BATCH];

    private final long[] fCode = new long[MAX_DEPTH];
    private final int[] fAddrq = new int[MAX_DEPTH];
    private final int[] fOwner = new int[MAX_DEPTH];
    private final CodeEntry[] fEntry = new CodeEntry[MAX_DEPTH];
    private final CodeEntry[] queue = new CodeEntry[MAX_DEPTH];
    private final FrameRef[] leaf = new FrameRef[MAX_DEPTH];
    private final int[] loc = new int[4];

    private final LongSet seenFrames = new LongSet(MAX_DEPTH + 2);
    private final LongSet seenLists = new LongSet(MAX_INTERPRETERS + MAX_THREADS + 2);
    private final LongMap<CodeEntry> codes = new LongMap<>(1024, 8192);
    private final LongMap<StringEntry> strings = new LongMap<>(1024, 16384);

    private final WalkResult result = new WalkResult();

    // Prefetch: the hot-path ranges one pass reads become the next pass's plan, fetched in one batched call at its
    // start. The walk then takes what it needs from that copy when address and length match, and reads the rest.
    // Every byte used is still read during the pass; a steady stack costs one system call.
    static final int MAX_PLAN = 4096;
    static final int MAX_PLAN_BYTES = 8 << 20;
    private static final int WINDOW_SLACK = 2048;
    private static final int MAX_PREFETCH_FAILURES = 4;
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
    private ByteBuffer pfBuf = buffer(64 * 1024);
    private final long[] mAddr = new long[MAX_BATCH];
    private final int[] mLen = new int[MAX_BATCH];
    private final int[] mOff = new int[MAX_BATCH];
    private final int[] mIndex = new int[MAX_BATCH];
    private int pass;
    /** Passes ended by an exception the checks should have prevented (a bug if ever non-zero). */
    long unexpected;
    private int tidOffset = -1;
    private int tidDiscoveryLeft = TID_DISCOVERY_PASSES;

    private record StringEntry(long length, int state, long hash, String value) {
    }

    private StackWalker(RemoteMemory mem, Layout lay, List<LayoutDifference> differences, long runtime,
            long codeType, int pid) {
        this.mem = mem;
        this.lay = lay;
        this.differences = differences;
        this.runtime = runtime;
        this.codeType = codeType;
        this.pid = pid;
        this.tagMask = lay.executableTagMask;
        int lo = lay.rtInterpretersHead;
        int hi = lay.rtInterpretersHead + 8;
        int[] extra = {lay.rtGcCollecting, lay.rtGilstateTstateCurrent, lay.rtFinalizing,
            lay.frameChain == Layout.FrameChain.FRAME_OBJECT ? lay.rtMainThread : -1};
        for (int off : extra) {
            if (off >= 0) {
                lo = Math.min(lo, off);
                hi = Math.max(hi, off + 8);
            }
        }
        this.rtLo = lo;
        this.rtLen = hi - lo;
        this.rtBuf = buffer(rtLen);
        this.tsLen = lay.threadReadLength();
        this.tsBuf = buffer(tsLen);
        this.tidSlot = (lay.frSize + 7) & ~7;
        this.frBuf = buffer(tidSlot + 8);
        this.codeLen = lay.codeReadLength();
        this.codeBuf = buffer(codeLen * MAX_BATCH);
        if (lay.frameChain != Layout.FrameChain.FRAME_OBJECT) {
            tidOffset = 0; // unused: 3.11+ threads carry their native id
        }
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
    public static StackWalker create(RemoteMemory memory, int major, int minor, long runtimeAddress,
            long codeTypeAddress, int pid) {
        if (memory == null) {
            throw new NullPointerException("memory");
        }
        if (runtimeAddress == 0) {
            throw new IllegalArgumentException("runtime address is 0");
        }
        Layout table = Layouts.forVersion(major, minor);
        Layout layout = table;
        List<LayoutDifference> diffs = List.of();
        int blockSize = DebugOffsets.blockSize(major, minor);
        if (blockSize > 0) {
            ByteBuffer block = buffer(blockSize);
            if (!memory.read(runtimeAddress, block, 0, blockSize)) {
                throw new UnsupportedPythonException(String.format(
                        "cannot read the _Py_DebugOffsets block at 0x%x", runtimeAddress));
            }
            DebugOffsets.Result r = DebugOffsets.decode(block, major, minor);
            layout = r.layout();
            diffs = r.differences();
        }
        return new StackWalker(memory, layout, diffs, runtimeAddress, codeTypeAddress, pid);
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
        return codeType;
    }

    /**
     * The offset of the TID inside glibc's {@code struct pthread} in use on 3.8–3.10 (-1 while not yet found; 0 on
     * 3.11+, which need none).
     */
    public int pthreadTidOffset() {
        return tidOffset;
    }

    /**
     * Passes so far that ended early on an exception the pointer checks should have prevented: a walker bug (or a
     * target layout this walker does not understand) worth logging, never an error of the target. Normally 0.
     */
    public long unexpectedErrors() {
        return unexpected;
    }

    /**
     * One sampling pass over every interpreter and thread. Never throws for garbage in the target's memory.
     *
     * @return the walker's reusable result, valid until the next call
     */
    public WalkResult walk() {
        long callsBefore = mem.calls();
        WalkResult r = result;
        r.reset();
        pass++;
        try {
            startPrefetch();
            walkRuntime(r);
        } catch (RuntimeException e) {
            // Target garbage must never escape a pass; anything that slipped past the checks ends the pass here.
            // Counted, so that tests can insist it never happens.
            unexpected++;
            r.complete = false;
        }
        r.calls = mem.calls() - callsBefore;
        return r;
    }

    private void walkRuntime(WalkResult r) {
        if (!fetch(runtime + rtLo, rtBuf, 0, rtLen)) {
            r.complete = false;
            return;
        }
        if (tidOffset < 0) {
            discoverTidOffset();
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
            if (fetchBatch(bAddr, bLen, bOff, count, small) != count) {
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
                if (!fetch(ts, tsBuf, 0, tsLen) || tsBuf.getLong(lay.tsInterp) != interp) {
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
    }

    /** Fetches last pass's plan in one batched read (more only when some range fails) and starts a new plan. */
    private void startPrefetch() {
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
    private void record(long address, int length) {
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
    private boolean fetch(long address, ByteBuffer dst, int dstOffset, int length) {
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
    private int fetchBatch(long[] addr, int[] len, int[] off, int count, ByteBuffer dst) {
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
        if (!fetch(gil + lo, small, 64, hi - lo)) {
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
        } else if (pthread != 0 && tidOffset > 0) {
            // 3.8-3.10: the TID lives in glibc's struct pthread. Read it in the same call as the leaf frame.
            long leafFrame = b.getLong(lay.tsFrame);
            int got = 0;
            if (validPointer(leafFrame)) {
                bAddr[0] = leafFrame;
                bLen[0] = lay.frSize;
                bOff[0] = 0;
                bAddr[1] = pthread + tidOffset;
                bLen[1] = 4;
                bOff[1] = tidSlot;
                got = fetchBatch(bAddr, bLen, bOff, 2, frBuf);
            }
            if (got >= 1) {
                preloaded = leafFrame;
            }
            if (got == 2) {
                t.nativeThreadId = frBuf.getInt(tidSlot);
            } else if (got == 0) {
                t.nativeThreadId = fetch(pthread + tidOffset, small, 0, 4) ? small.getInt(0) : 0;
            }
        }
        long frame;
        switch (lay.frameChain) {
            case CFRAME -> {
                long cf = b.getLong(lay.tsCframe);
                if (cf == 0) {
                    frame = 0;
                } else if (!validPointer(cf) || !fetch(cf + lay.cfCurrentFrame, small, 0, 8)) {
                    t.invalid = true;
                    return;
                } else {
                    frame = small.getLong(0);
                }
            }
            default -> frame = b.getLong(lay.tsFrame);
        }
        long chunk = lay.tsDatastackChunk >= 0 ? b.getLong(lay.tsDatastackChunk) : 0;
        int n = collectFrames(frame, chunk, preloaded);
        boolean bad = n < 0;
        if (bad) {
            n = -n - 1;
        }
        resolve(t, n, bad);
    }

    /**
     * Follows the frame chain from the leaf, filling {@code fCode/fAddrq/fOwner}. Returns the frame count, or
     * {@code -(count + 1)} when the chain could not be followed to its end. {@code preloaded} is a frame already in
     * {@code frBuf} (0 for none).
     */
    private int collectFrames(long fr, long chunk, long preloaded) {
        seenFrames.clear();
        winStart = 0;
        winEnd = 0;
        boolean objects = lay.frameChain == Layout.FrameChain.FRAME_OBJECT;
        int size = lay.frSize;
        int n = 0;
        long nextChunk = chunk;
        // Steps, not frames, bound the loop: skipped frames count too, and the seen-set has a fixed capacity.
        for (int steps = 0; fr != 0; steps++) {
            if (steps >= MAX_DEPTH || !validPointer(fr) || !seenFrames.add(fr)) {
                return -n - 1;
            }
            ByteBuffer b;
            int o;
            if (objects) {
                if (fr == preloaded) {
                    preloaded = 0;
                } else if (!fetch(fr, frBuf, 0, size)) {
                    return -n - 1;
                }
                b = frBuf;
                o = 0;
            } else if (fr >= winStart && fr + size <= winEnd) {
                b = win;
                o = (int) (fr - winStart);
            } else if (loadWindow(nextChunk, fr, size)) {
                nextChunk = winPrevious;
                b = win;
                o = (int) (fr - winStart);
            } else {
                if (!fetch(fr, frBuf, 0, size)) {
                    return -n - 1;
                }
                b = frBuf;
                o = 0;
            }
            long previous = b.getLong(o + lay.frPrevious);
            long code = b.getLong(o + lay.frExecutable) & ~tagMask;
            long addrq;
            int owner = 0;
            if (objects) {
                int lasti = b.getInt(o + lay.frLasti);
                addrq = lay.lastiUnit == Layout.LastiUnit.CODE_UNITS ? 2L * lasti : lasti;
            } else {
                owner = b.get(o + lay.frOwner) & 0xFF;
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
                addrq = b.getLong(o + lay.frLasti) - (code + lay.coCodeAdaptive);
            }
            if (!validPointer(code) || addrq < -2 || addrq > MAX_ADDRQ) {
                return -n - 1;
            }
            fCode[n] = code;
            fAddrq[n] = (int) addrq;
            fOwner[n] = owner;
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
     * it. Walking from the leaf, the first frame met in a chunk is its highest, so this covers every older frame of
     * the chunk too.
     */
    private boolean loadWindow(long chunk, long fr, int size) {
        if (chunk == 0 || !validPointer(chunk) || fr <= chunk || fr - chunk > MAX_WINDOW - size) {
            return false;
        }
        int len = (int) (fr + size - chunk);
        if (len > spare.capacity()) {
            spare = buffer(Math.min(MAX_WINDOW, Math.max(len, spare.capacity() * 2)));
        }
        // Read into the spare buffer: a failed read may have scribbled on it, and the current window stays valid.
        if (!fetch(chunk, spare, 0, len)) {
            return false;
        }
        long chunkSize = spare.getLong(8);
        if (chunkSize < len || chunkSize > (1L << 32)) {
            return false;
        }
        // Next pass, prefetch a little more of the chunk so that a slightly deeper stack is still covered.
        record(chunk, (int) Math.min(chunkSize, Math.min(MAX_WINDOW, len + WINDOW_SLACK)));
        ByteBuffer t = win;
        win = spare;
        spare = t;
        winStart = chunk;
        winEnd = chunk + len;
        winPrevious = win.getLong(0);
        return true;
    }

    /** Checks the code objects of frames {@code 0..n-1} and turns them into the thread's frames, root first. */
    private void resolve(ThreadStack t, int n, boolean bad) {
        int queued = 0;
        for (int k = 0; k < n; k++) {
            long code = fCode[k];
            CodeEntry e = codes.get(code);
            if (e == null) {
                e = new CodeEntry(code);
                codes.put(code, e);
            }
            fEntry[k] = e;
            if (e.checkedPass != pass && e.queuedPass != pass) {
                e.queuedPass = pass;
                queue[queued++] = e;
            }
        }
        checkCodes(queued);
        int m = 0;
        for (int k = 0; k < n; k++) {
            CodeEntry e = fEntry[k];
            fEntry[k] = null;
            if (e.status == CodeEntry.NOT_CODE && lay.skipNonCodeExecutable) {
                continue;
            }
            if (e.status != CodeEntry.OK) {
                bad = true;
                for (int j = k + 1; j < n; j++) {
                    fEntry[j] = null;
                }
                break;
            }
            int addrq = fAddrq[k];
            if (lay.skipIncomplete && fOwner[k] != lay.ownerGenerator && addrq < 2L * e.firstTraceable) {
                continue;
            }
            leaf[m++] = e.frameRef(addrq, lay.lineFormat, loc);
        }
        if (t.frames.length < m) {
            t.frames = new FrameRef[Math.max(m, t.frames.length * 2)];
        }
        for (int i = 0; i < m; i++) {
            t.frames[i] = leaf[m - 1 - i];
            leaf[m - 1 - i] = null;
        }
        t.depth = m;
        t.invalid = bad;
    }

    private void checkCodes(int queued) {
        int start = 0;
        while (start < queued) {
            int count = Math.min(MAX_BATCH, queued - start);
            for (int j = 0; j < count; j++) {
                bAddr[j] = queue[start + j].address;
                bLen[j] = codeLen;
                bOff[j] = j * codeLen;
            }
            int got = Math.max(0, fetchBatch(bAddr, bLen, bOff, count, codeBuf));
            for (int j = 0; j < got; j++) {
                check(queue[start + j], j * codeLen);
            }
            if (got < count) {
                CodeEntry failed = queue[start + got];
                failed.status = CodeEntry.UNREADABLE;
                failed.checkedPass = pass;
                got++;
            }
            for (int j = 0; j < got; j++) {
                queue[start + j] = null;
            }
            start += got;
        }
    }

    private void check(CodeEntry e, int off) {
        e.checkedPass = pass;
        ByteBuffer b = codeBuf;
        if (!isCodeType(b.getLong(off + lay.obType))) {
            e.status = CodeEntry.NOT_CODE;
            return;
        }
        long filename = b.getLong(off + lay.coFilename);
        long scope = b.getLong(off + lay.coScope);
        long linetable = b.getLong(off + lay.coLinetable);
        int first = b.getInt(off + lay.coFirstLineno);
        int traceable = lay.coFirstTraceable >= 0 ? b.getInt(off + lay.coFirstTraceable) : 0;
        if (e.sameAs(filename, scope, linetable, first, traceable)) {
            return;
        }
        String file = readString(filename);
        String name = file == null ? null : readString(scope);
        byte[] table = name == null ? null : readBytes(linetable);
        if (table == null || traceable < 0 || traceable > MAX_ADDRQ) {
            e.status = CodeEntry.UNREADABLE;
            return;
        }
        e.set(filename, scope, linetable, first, traceable, file, name, table);
    }

    private boolean isCodeType(long type) {
        if (codeType != 0) {
            return type == codeType;
        }
        if (!validPointer(type) || !mem.read(type + lay.tpName, small, 0, 8)) {
            return false;
        }
        long name = small.getLong(0);
        if (name == 0 || !mem.read(name, small, 0, 5)) {
            return false;
        }
        if (small.get(0) == 'c' && small.get(1) == 'o' && small.get(2) == 'd' && small.get(3) == 'e'
                && small.get(4) == 0) {
            codeType = type;
            return true;
        }
        return false;
    }

    /** Decodes a {@code str} object (§6.1), or returns null when it is not plausible. */
    String readString(long s) {
        if (!validPointer(s)) {
            return null;
        }
        ByteBuffer b = objBuf;
        int header = lay.uCompactSize > 0 ? lay.uCompactSize : lay.uAsciiSize;
        // The full compact header can run past a small ASCII object's end; retry with the shorter one.
        if (!mem.read(s, b, 0, header)) {
            header = lay.uAsciiSize;
            if (!mem.read(s, b, 0, header)) {
                return null;
            }
        }
        long length = b.getLong(lay.uLength);
        int state = b.getInt(lay.uState);
        long hash = b.getLong(lay.uHash);
        int kind = (state >>> 2) & 7;
        boolean compact = ((state >>> 5) & 1) != 0;
        boolean ascii = ((state >>> 6) & 1) != 0;
        if (length < 0 || length > MAX_STRING || (kind != 1 && kind != 2 && kind != 4) || (ascii && kind != 1)) {
            return null;
        }
        StringEntry cached = strings.get(s);
        if (cached != null && cached.length == length && cached.state == state && cached.hash == hash) {
            return cached.value;
        }
        long data;
        if (compact) {
            if (!ascii && header < lay.uCompactSize) {
                return null;
            }
            data = s + (ascii ? lay.uAsciiSize : lay.uCompactSize);
        } else {
            if (lay.uDataAny < 0 || !mem.read(s + lay.uDataAny, b, 0, 8)) {
                return null;
            }
            data = b.getLong(0);
            if (data <= 0x1000 || (data & (kind - 1)) != 0 || data >= (1L << 47)) {
                return null;
            }
        }
        int bytes = (int) length * kind;
        if (bytes > 0 && !mem.read(data, b, 0, bytes)) {
            return null;
        }
        String value = decode(b, (int) length, kind, ascii);
        if (value != null) {
            strings.put(s, new StringEntry(length, state, hash, value));
        }
        return value;
    }

    private static String decode(ByteBuffer b, int length, int kind, boolean ascii) {
        switch (kind) {
            case 1: {
                byte[] raw = new byte[length];
                b.get(0, raw, 0, length);
                if (ascii) {
                    for (byte x : raw) {
                        if (x < 0) {
                            return null;
                        }
                    }
                    return new String(raw, StandardCharsets.US_ASCII);
                }
                return new String(raw, StandardCharsets.ISO_8859_1);
            }
            case 2: {
                char[] chars = new char[length];
                for (int i = 0; i < length; i++) {
                    chars[i] = b.getChar(2 * i);
                }
                return new String(chars);
            }
            default: {
                int[] cps = new int[length];
                for (int i = 0; i < length; i++) {
                    int cp = b.getInt(4 * i);
                    if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                        return null;
                    }
                    cps[i] = cp;
                }
                return new String(cps, 0, length);
            }
        }
    }

    /** Reads a {@code bytes} object's contents (§6.2), or null when unreadable or implausibly large. */
    byte[] readBytes(long p) {
        if (!validPointer(p) || !mem.read(p, small, 0, lay.bytesData)) {
            return null;
        }
        long size = small.getLong(lay.bytesSize);
        if (size < 0 || size > MAX_TABLE) {
            return null;
        }
        int len = (int) size;
        if (len > tableBuf.capacity()) {
            tableBuf = buffer(Math.max(len, tableBuf.capacity() * 2));
        }
        if (len > 0 && !mem.read(p + lay.bytesData, tableBuf, 0, len)) {
            return null;
        }
        byte[] out = new byte[len];
        tableBuf.get(0, out, 0, len);
        return out;
    }

    /**
     * 3.8–3.10 only: finds the TID's offset in glibc's {@code struct pthread} by looking for the PID in the main
     * thread's struct (§4.2), preferring the known 720. Tried on the first passes, then the default is kept.
     */
    private void discoverTidOffset() {
        int fallback = lay.pthreadTidOffset;
        if (pid <= 0 || lay.rtMainThread < 0 || tidDiscoveryLeft-- <= 0) {
            tidOffset = fallback;
            return;
        }
        long main = rtBuf.getLong(lay.rtMainThread - rtLo);
        if (main == 0 || (main & 7) != 0) {
            return;
        }
        int len = TID_SCAN_BYTES;
        while (len >= 64 && !mem.read(main, objBuf, 0, len)) {
            len /= 2;
        }
        if (len < 64) {
            return;
        }
        if (fallback + 4 <= len && objBuf.getInt(fallback) == pid) {
            tidOffset = fallback;
            return;
        }
        for (int off = 0; off + 4 <= len; off += 4) {
            if (objBuf.getInt(off) == pid) {
                tidOffset = off;
                return;
            }
        }
    }

    static boolean validPointer(long p) {
        return p > 0x1000 && (p & 7) == 0 && p < (1L << 47);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocateDirect(Math.max(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String toString() {
        return "StackWalker[" + lay + ", runtime=0x" + Long.toHexString(runtime) + ", codes=" + codes.size() + "]";
    }
}
