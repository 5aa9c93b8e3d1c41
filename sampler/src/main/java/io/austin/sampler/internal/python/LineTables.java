package io.austin.sampler.internal.python;

/**
 * Decoders for the three CPython line-table encodings (cpython.md §5). Each maps {@code addrq}, a byte offset into
 * the bytecode, to a position. All are bounded by the table length and never throw on garbage input.
 */
final class LineTables {
    /** Returned when the table has no line for the offset. */
    static final int NO_LINE = -1;

    private LineTables() {
    }

    /** 3.8/3.9 {@code co_lnotab}: pairs of (unsigned address delta, signed line delta). */
    static int lnotab(byte[] table, int length, int firstLine, long addrq) {
        int line = firstLine;
        long addr = 0;
        int n = Math.min(length, table.length) & ~1;
        for (int i = 0; i < n; i += 2) {
            addr += table[i] & 0xFF;
            if (addr > addrq) {
                break;
            }
            line += table[i + 1];
        }
        return line;
    }

    /** 3.10 {@code co_linetable}: pairs of (unsigned start delta, signed line delta, -128 = no line). */
    static int linetable310(byte[] table, int length, int firstLine, long addrq) {
        if (addrq < 0) {
            return firstLine;
        }
        int line = firstLine;
        long end = 0;
        int n = Math.min(length, table.length) & ~1;
        for (int i = 0; i < n; i += 2) {
            long start = end;
            end = start + (table[i] & 0xFF);
            int delta = table[i + 1];
            int thisLine;
            if (delta == -128) {
                thisLine = NO_LINE;
            } else {
                line += delta;
                thisLine = line;
            }
            if (start != end && start <= addrq && addrq < end) {
                return thisLine;
            }
        }
        return NO_LINE;
    }

    /**
     * 3.11+ location table. Writes {@code line, endLine, column, endColumn} into {@code out}: lines are
     * {@link #NO_LINE} when absent, columns are 0-based and -1 when absent.
     *
     * @return true when an entry covers {@code addrq} (or {@code addrq} is negative)
     */
    static boolean locations311(byte[] table, int length, int firstLine, long addrq, int[] out) {
        out[0] = NO_LINE;
        out[1] = NO_LINE;
        out[2] = -1;
        out[3] = -1;
        if (addrq < 0) {
            out[0] = firstLine;
            out[1] = firstLine;
            return true;
        }
        long unit = addrq >> 1;
        int n = Math.min(length, table.length);
        int line = firstLine;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int head = table[i++] & 0xFF;
            if ((head & 0x80) == 0) {
                // Not an entry start: the table is damaged. Skip to the next byte with bit 7 set.
                continue;
            }
            int code = (head >> 3) & 0xF;
            int units = (head & 7) + 1;
            boolean hit = pos <= unit && unit < pos + units;
            int startLine;
            int endLine;
            int col = -1;
            int endCol = -1;
            if (code <= 9) {
                if (i >= n) {
                    return false;
                }
                int b = table[i++] & 0xFF;
                startLine = line;
                endLine = line;
                col = code * 8 + ((b >> 4) & 7);
                endCol = col + (b & 15);
            } else if (code <= 12) {
                if (i + 1 >= n) {
                    return false;
                }
                line += code - 10;
                startLine = line;
                endLine = line;
                col = table[i++] & 0xFF;
                endCol = table[i++] & 0xFF;
            } else if (code == 13) {
                long v = readVarint(table, n, i);
                i = (int) (v >>> 32);
                line += svarint((int) v);
                startLine = line;
                endLine = line;
            } else if (code == 14) {
                long v = readVarint(table, n, i);
                i = (int) (v >>> 32);
                line += svarint((int) v);
                v = readVarint(table, n, i);
                i = (int) (v >>> 32);
                int el = (int) v;
                v = readVarint(table, n, i);
                i = (int) (v >>> 32);
                int c = (int) v;
                v = readVarint(table, n, i);
                i = (int) (v >>> 32);
                int ec = (int) v;
                startLine = line;
                endLine = line + el;
                col = c - 1;
                endCol = ec - 1;
            } else {
                startLine = NO_LINE;
                endLine = NO_LINE;
            }
            if (hit) {
                out[0] = startLine;
                out[1] = endLine;
                out[2] = col;
                out[3] = endCol;
                return true;
            }
            pos += units;
        }
        return false;
    }

    /**
     * Reads a varint at {@code i}. Returns the index after it in the high 32 bits and the value (at most 30 bits,
     * longer garbage is truncated) in the low 32 bits, to avoid allocating a pair.
     */
    private static long readVarint(byte[] t, int n, int i) {
        int value = 0;
        int shift = 0;
        while (i < n) {
            int b = t[i++] & 0xFF;
            if (shift < 30) {
                value |= (b & 0x3F) << shift;
            }
            shift += 6;
            if ((b & 0x40) == 0) {
                break;
            }
        }
        return ((long) i << 32) | (value & 0xFFFFFFFFL);
    }

    private static int svarint(int v) {
        return (v & 1) != 0 ? -(v >>> 1) : v >>> 1;
    }
}
