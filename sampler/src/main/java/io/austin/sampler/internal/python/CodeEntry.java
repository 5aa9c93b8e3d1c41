package io.austin.sampler.internal.python;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;

/**
 * What the walker knows about one remote code object: the fields it re-checks on every pass (cheap, read in one batch
 * with the other code objects of the stack), the decoded file, scope and line table, and the frame references already
 * made for instruction offsets. Addresses are reused after a code object dies (cpython.md §12), so an entry is
 * trusted only while the re-checked fields are unchanged.
 */
final class CodeEntry {
    static final int UNKNOWN = 0;
    static final int OK = 1;
    static final int NOT_CODE = 2;
    static final int UNREADABLE = 3;

    private static final int MAX_LINES = 4096;

    final long address;
    int status = UNKNOWN;
    int checkedPass = -1;
    int queuedPass = -1;

    long filenamePtr;
    long scopePtr;
    long linetablePtr;
    int firstLine;
    int firstTraceable;

    String file;
    String scope;
    byte[] table;

    private int[] lineKeys = new int[8];
    private FrameRef[] lineRefs = new FrameRef[8];
    private int lineCount;

    CodeEntry(long address) {
        this.address = address;
    }

    boolean sameAs(long filename, long scopeName, long linetable, int first, int traceable) {
        return status == OK && filenamePtr == filename && scopePtr == scopeName && linetablePtr == linetable
                && firstLine == first && firstTraceable == traceable;
    }

    void set(long filename, long scopeName, long linetable, int first, int traceable, String f, String s, byte[] t) {
        filenamePtr = filename;
        scopePtr = scopeName;
        linetablePtr = linetable;
        firstLine = first;
        firstTraceable = traceable;
        file = f;
        scope = s;
        table = t;
        clearLines();
        status = OK;
    }

    private void clearLines() {
        java.util.Arrays.fill(lineRefs, null);
        lineCount = 0;
    }

    /** The frame reference for an instruction offset, made once and then reused. */
    FrameRef frameRef(int addrq, Layout.LineFormat format, int[] scratch) {
        int mask = lineKeys.length - 1;
        int i = LongMap.hash(addrq) & mask;
        while (lineRefs[i] != null) {
            if (lineKeys[i] == addrq) {
                return lineRefs[i];
            }
            i = (i + 1) & mask;
        }
        // Austin's lasti: bytes up to 3.10 (3.10's code units doubled), code units from 3.11 (CPython's own f_lasti
        // unit there). Instruction offsets are even from 3.11 on, so halving loses nothing.
        long lasti = format == Layout.LineFormat.LOCATIONS311 ? addrq >> 1 : addrq;
        FrameRef ref = new FrameRef(key(address, lasti), decode(addrq, format, scratch));
        if (lineCount >= MAX_LINES) {
            clearLines();
        } else if ((lineCount + 1) * 2 > lineKeys.length) {
            growLines();
        }
        mask = lineKeys.length - 1;
        i = LongMap.hash(addrq) & mask;
        while (lineRefs[i] != null) {
            i = (i + 1) & mask;
        }
        lineKeys[i] = addrq;
        lineRefs[i] = ref;
        lineCount++;
        return ref;
    }

    /** Austin's frame key: 27 bits of the code address and 16 bits of the instruction offset. */
    static long key(long codeAddress, long lasti) {
        return ((codeAddress & 0x7FFFFFFL) << 16) | (lasti & 0xFFFFL);
    }

    private Frame decode(int addrq, Layout.LineFormat format, int[] loc) {
        switch (format) {
            case LNOTAB:
                return new Frame(file, scope, Math.max(0, LineTables.lnotab(table, table.length, firstLine, addrq)),
                        0, 0, 0);
            case LINETABLE310:
                return new Frame(file, scope,
                        Math.max(0, LineTables.linetable310(table, table.length, firstLine, addrq)), 0, 0, 0);
            default:
                LineTables.locations311(table, table.length, firstLine, addrq, loc);
                return new Frame(file, scope, Math.max(0, loc[0]), Math.max(0, loc[1]), loc[2] + 1L, loc[3] + 1L);
        }
    }

    private void growLines() {
        int[] ok = lineKeys;
        FrameRef[] ov = lineRefs;
        lineKeys = new int[ok.length * 2];
        lineRefs = new FrameRef[ok.length * 2];
        int mask = lineKeys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ov[j] != null) {
                int i = LongMap.hash(ok[j]) & mask;
                while (lineRefs[i] != null) {
                    i = (i + 1) & mask;
                }
                lineKeys[i] = ok[j];
                lineRefs[i] = ov[j];
            }
        }
    }
}
