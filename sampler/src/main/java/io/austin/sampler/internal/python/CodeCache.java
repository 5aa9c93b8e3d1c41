package io.austin.sampler.internal.python;

import io.austin.formats.FrameRef;
import java.nio.ByteBuffer;

/**
 * The code objects a walk has met, by address, with their decoded file, scope and line table and a frame reference
 * per instruction offset. Addresses are reused after a code object dies (§12), so every entry a pass uses is
 * re-checked against the code object's fields, the code objects of a stack in one batched read; strings and line
 * tables are read only for code not seen before (or changed).
 */
final class CodeCache {
    private final PassReader reader;
    private final RemoteObjects objects;
    private final Layout lay;
    private final int codeLen;
    private final ByteBuffer codeBuf;
    private final LongMap<CodeEntry> codes = new LongMap<>(1024, 8192);
    private final CodeEntry[] fEntry = new CodeEntry[ChainFrames.MAX_DEPTH];
    private final CodeEntry[] queue = new CodeEntry[ChainFrames.MAX_DEPTH];
    private final FrameRef[] leaf = new FrameRef[ChainFrames.MAX_DEPTH];
    private final int[] loc = new int[4];
    private final long[] bAddr = new long[PassReader.MAX_BATCH];
    private final int[] bLen = new int[PassReader.MAX_BATCH];
    private final int[] bOff = new int[PassReader.MAX_BATCH];
    private long codeType;
    private int pass;

    CodeCache(PassReader reader, RemoteObjects objects, Layout lay, long codeType) {
        this.reader = reader;
        this.objects = objects;
        this.lay = lay;
        this.codeType = codeType;
        this.codeLen = lay.codeReadLength();
        this.codeBuf = PassReader.buffer(codeLen * PassReader.MAX_BATCH);
    }

    /** The {@code PyCode_Type} address, given or learned from {@code tp_name}; 0 while unknown. */
    long codeType() {
        return codeType;
    }

    /** How many code objects are cached. */
    int size() {
        return codes.size();
    }

    /** Starts a pass: entries are re-checked once per pass. */
    void beginPass() {
        pass++;
    }

    /**
     * Checks the code objects of frames {@code 0..n-1} (leaf first) and turns them into {@code t}'s frames, root
     * first. A frame whose code cannot be read cuts the stack there and marks it invalid.
     */
    void resolve(ChainFrames frames, int n, boolean bad, ThreadStack t) {
        int queued = 0;
        for (int k = 0; k < n; k++) {
            long code = frames.code[k];
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
            int addrq = frames.addrq[k];
            if (lay.skipIncomplete && frames.owner[k] != lay.ownerGenerator && addrq < 2L * e.firstTraceable) {
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
            int count = Math.min(PassReader.MAX_BATCH, queued - start);
            for (int j = 0; j < count; j++) {
                bAddr[j] = queue[start + j].address;
                bLen[j] = codeLen;
                bOff[j] = j * codeLen;
            }
            int got = Math.max(0, reader.fetchBatch(bAddr, bLen, bOff, count, codeBuf));
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
        String file = objects.readString(filename);
        String name = file == null ? null : objects.readString(scope);
        byte[] table = name == null ? null : objects.readBytes(linetable);
        if (table == null || traceable < 0 || traceable > InterpreterWalker.MAX_ADDRQ) {
            e.status = CodeEntry.UNREADABLE;
            return;
        }
        e.set(filename, scope, linetable, first, traceable, file, name, table);
    }

    private boolean isCodeType(long type) {
        if (codeType != 0) {
            return type == codeType;
        }
        if (objects.isNamedCode(type)) {
            codeType = type;
            return true;
        }
        return false;
    }
}
