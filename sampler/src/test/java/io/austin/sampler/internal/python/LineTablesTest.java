package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-made tables for every rule of cpython.md §5. */
class LineTablesTest {
    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void lnotab() {
        // offsets 0-5 line 10, 6-13 line 12, 14+ line 11 (negative delta), then +300 via two pairs
        byte[] t = b(6, 2, 8, -1, 0, 127, 4, 127, 2, 46);
        assertEquals(10, LineTables.lnotab(t, t.length, 10, -1));
        assertEquals(10, LineTables.lnotab(t, t.length, 10, 0));
        assertEquals(10, LineTables.lnotab(t, t.length, 10, 5));
        assertEquals(12, LineTables.lnotab(t, t.length, 10, 6));
        assertEquals(12, LineTables.lnotab(t, t.length, 10, 13));
        assertEquals(138, LineTables.lnotab(t, t.length, 10, 14));
        assertEquals(265, LineTables.lnotab(t, t.length, 10, 18));
        assertEquals(311, LineTables.lnotab(t, t.length, 10, 20));
        assertEquals(311, LineTables.lnotab(t, t.length, 10, 1000));
        assertEquals(10, LineTables.lnotab(new byte[0], 0, 10, 4));
        assertEquals(10, LineTables.lnotab(b(6), 1, 10, 8)); // odd length: trailing byte ignored
    }

    @Test
    void linetable310() {
        // [0,4) line 5, [4,4) empty but +2, [4,10) no line, [10,12) line 8, [12,16) line 6
        byte[] t = b(4, 0, 0, 2, 6, -128, 2, 1, 4, -2);
        assertEquals(5, LineTables.linetable310(t, t.length, 5, -2));
        assertEquals(5, LineTables.linetable310(t, t.length, 5, 0));
        assertEquals(5, LineTables.linetable310(t, t.length, 5, 3));
        assertEquals(LineTables.NO_LINE, LineTables.linetable310(t, t.length, 5, 4));
        assertEquals(LineTables.NO_LINE, LineTables.linetable310(t, t.length, 5, 9));
        assertEquals(8, LineTables.linetable310(t, t.length, 5, 10));
        assertEquals(6, LineTables.linetable310(t, t.length, 5, 15));
        assertEquals(LineTables.NO_LINE, LineTables.linetable310(t, t.length, 5, 16));
    }

    private static int[] loc(byte[] t, int first, int addrq) {
        int[] out = new int[4];
        LineTables.locations311(t, t.length, first, addrq, out);
        return out;
    }

    @Test
    void locations311EveryEntryKind() {
        byte[] t = b(
                0x80 | (13 << 3) | 0, 0x00, // 1 unit: no columns, line 20 (+0)
                0x80 | (3 << 3) | 1, 0x25, // 2 units: short form code 3: col 3*8+2 = 26, end 26+5
                0x80 | (11 << 3) | 0, 4, 9, // 1 unit: one-line form, line 21, cols 4-9
                0x80 | (14 << 3) | 2, 0x05, 2, 5, 0, // 3 units: long form: line -2 -> 19, end 21, col 4, no end col
                0x80 | (15 << 3) | 0, // 1 unit: no location
                0x80 | (14 << 3) | 7, 0x40 | 0x02, 0x01, 0, 0x40 | 0x01, 0x02, 0x40 | 0x3F, 0x01, // 8 units, varints
                0x80 | (13 << 3) | 0, 0x03); // 1 unit: line -1
        assertArrayEquals(new int[] {20, 20, -1, -1}, loc(t, 20, -2));
        assertArrayEquals(new int[] {20, 20, -1, -1}, loc(t, 20, 0));
        assertArrayEquals(new int[] {20, 20, 26, 31}, loc(t, 20, 2));
        assertArrayEquals(new int[] {20, 20, 26, 31}, loc(t, 20, 4));
        assertArrayEquals(new int[] {21, 21, 4, 9}, loc(t, 20, 6));
        assertArrayEquals(new int[] {19, 21, 4, -1}, loc(t, 20, 8));
        assertArrayEquals(new int[] {19, 21, 4, -1}, loc(t, 20, 12));
        assertArrayEquals(new int[] {-1, -1, -1, -1}, loc(t, 20, 14));
        // svarint 0x42 0x01 = 2 + 64 = 66 -> +33: line 52; end +0; col 1 + 2 * 64 - 1 = 128; end col 63 + 64 - 1
        assertArrayEquals(new int[] {52, 52, 128, 126}, loc(t, 20, 16));
        assertArrayEquals(new int[] {52, 52, 128, 126}, loc(t, 20, 30));
        assertArrayEquals(new int[] {51, 51, -1, -1}, loc(t, 20, 32));
        int[] out = new int[4];
        assertFalse(LineTables.locations311(t, t.length, 20, 34, out));
        assertTrue(LineTables.locations311(t, t.length, 20, 32, out));
    }

    @Test
    void oddOffsetsAndOneLineForms() {
        byte[] t = b(0x80 | (10 << 3) | 0, 1, 2, 0x80 | (12 << 3) | 0, 3, 4);
        assertArrayEquals(new int[] {7, 7, 1, 2}, loc(t, 7, 1));
        assertArrayEquals(new int[] {9, 9, 3, 4}, loc(t, 7, 2));
    }

    @Test
    void garbageNeverThrows() {
        Random r = new Random(7);
        int[] out = new int[4];
        for (int i = 0; i < 20000; i++) {
            byte[] t = new byte[r.nextInt(64)];
            r.nextBytes(t);
            long addrq = r.nextInt(400) - 2;
            LineTables.lnotab(t, t.length, 1, addrq);
            LineTables.linetable310(t, t.length, 1, addrq);
            LineTables.locations311(t, t.length, 1, addrq, out);
            LineTables.locations311(t, t.length + 5, 1, addrq, out);
        }
    }
}
