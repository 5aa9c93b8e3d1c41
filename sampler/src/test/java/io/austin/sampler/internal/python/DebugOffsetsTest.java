package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code _Py_DebugOffsets} block (3.13 with 584 bytes, 3.14 with 760) drives the layout. */
class DebugOffsetsTest {
    @Test
    void versionFromTheCookie() {
        SyntheticPython py = new SyntheticPython(3, 14);
        assertEquals(0x030e00f0L, DebugOffsets.readVersion(py.mem, py.runtime));
        SyntheticPython old = new SyntheticPython(3, 12);
        assertEquals(-1, DebugOffsets.readVersion(old.mem, old.runtime));
        assertEquals(-1, DebugOffsets.readVersion(old.mem, 0x10));
    }

    /** The warm-up's block (the table's layout as a target would carry it) decodes to the table, with no difference. */
    @Test
    void theBlockOfTheTableDecodesToTheTable() throws IllegalAccessException {
        for (int minor = 13; minor <= 14; minor++) {
            Layout table = Layouts.forVersion(3, minor);
            DebugOffsets.Result r = DebugOffsets.decode(DebugOffsets.blockOf(table), 3, minor);
            assertEquals(List.of(), r.differences(), "3." + minor);
            assertEquals(3, r.version() >>> 24);
            assertEquals(minor, (r.version() >>> 16) & 0xFF);
            for (java.lang.reflect.Field f : Layout.class.getDeclaredFields()) {
                if (f.getType() == int.class && !java.lang.reflect.Modifier.isStatic(f.getModifiers())
                        && !f.getName().equals("frSize")) { // widened to cover the decoded frame fields
                    assertEquals(f.getInt(table), f.getInt(r.layout()), "3." + minor + " " + f.getName());
                }
            }
        }
        assertEquals(0, DebugOffsets.blockOf(Layouts.forVersion(3, 12)).limit(), "no block before 3.13");
    }

    @Test
    void blockSizesPerVersion() {
        assertEquals(584, DebugOffsets.blockSize(3, 13));
        assertEquals(760, DebugOffsets.blockSize(3, 14));
        assertEquals(-1, DebugOffsets.blockSize(3, 12));
    }

    @Test
    void tableBlockGivesNoDifferences() {
        for (int minor = 13; minor <= 14; minor++) {
            SyntheticPython py = new SyntheticPython(3, minor);
            InterpreterWalker w = py.walker();
            assertTrue(w.layout().fromDebugBlock());
            assertEquals(List.of(), w.layoutDifferences());
            // Every offset decoded from a block written from the table equals the table's: the block's field list
            // and the table's agree, field by field.
            Layout table = Layouts.forVersion(3, minor);
            int compared = 0;
            for (java.lang.reflect.Field f : Layout.class.getDeclaredFields()) {
                if (f.getType() == int.class && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    try {
                        assertEquals(f.getInt(table), f.getInt(w.layout()), "3." + minor + " " + f.getName());
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                    compared++;
                }
            }
            assertTrue(compared > 40, "offsets compared: " + compared);
        }
    }

    /** A 3.14 target whose block disagrees with the derived table: the block wins and the difference is reported. */
    @Test
    void blockWinsOverTheTableAndDifferencesAreReported() {
        SyntheticPython py = new SyntheticPython(3, 14);
        long pos = LayoutSource.debugOffsetsTable(3, 14).path("interpreter_frame.owner").asLong(-1);
        py.mem.putLong(py.runtime + pos, 75);
        long gcPos = LayoutSource.debugOffsetsTable(3, 14).path("gc.collecting").asLong(-1);
        py.mem.putLong(py.runtime + gcPos, 200);
        InterpreterWalker w = py.walker();
        assertEquals(75, w.layout().frOwner);
        assertEquals(7408 + 200, w.layout().isGcCollecting);
        assertTrue(w.layoutDifferences().contains(new LayoutDifference("interpreter_frame.owner", 74, 75)),
                w.layoutDifferences().toString());
        assertTrue(w.layoutDifferences().contains(
                new LayoutDifference("interpreter_state.gc+gc.collecting", 7600, 7608)));
    }

    @Test
    void refusesFreeThreadedBadCookieAndWrongVersion() {
        SyntheticPython ft = new SyntheticPython(3, 13);
        ft.writeDebugBlock(ft.runtime, 1);
        assertThrows(UnsupportedPythonException.class, ft::walker);

        SyntheticPython cookie = new SyntheticPython(3, 14);
        cookie.mem.putByte(cookie.runtime, 'X');
        assertThrows(UnsupportedPythonException.class, cookie::walker);

        SyntheticPython version = new SyntheticPython(3, 14);
        assertThrows(UnsupportedPythonException.class,
                () -> InterpreterWalker.create(version.mem, 3, 13, version.runtime, 0, 1));

        SyntheticPython garbage = new SyntheticPython(3, 13);
        long pos = LayoutSource.debugOffsetsTable(3, 13).path("thread_state.next").asLong(-1);
        garbage.mem.putLong(garbage.runtime + pos, -8);
        assertThrows(UnsupportedPythonException.class, garbage::walker);

        assertThrows(UnsupportedPythonException.class,
                () -> InterpreterWalker.create(new FakeMemory(), 3, 13, 0x5500_0000_0000L, 0, 1));
        assertThrows(UnsupportedPythonException.class, () -> Layouts.forVersion(3, 7));
    }

    @Test
    void tableLayoutsHaveTheSpecNumbers() {
        Layout l38 = Layouts.forVersion(3, 8);
        assertEquals(32, l38.rtInterpretersHead);
        assertEquals(544, l38.rtGcCollecting);
        assertEquals(108, l38.frSize);
        assertEquals(Layout.LineFormat.LNOTAB, l38.lineFormat);
        Layout l310 = Layouts.forVersion(3, 10);
        assertEquals(Layout.LastiUnit.CODE_UNITS, l310.lastiUnit);
        Layout l311 = Layouts.forVersion(3, 11);
        assertEquals(8, l311.cfCurrentFrame);
        assertEquals(128, l311.coScope);
        assertEquals(0, l311.ownerSkipMask);
        assertEquals(7, l311.ownerKnownMask);
        Layout l312 = Layouts.forVersion(3, 12);
        assertEquals(1 << 3, l312.ownerSkipMask);
        assertEquals(Layout.GilMethod.INTERPRETER_CEVAL_GIL, l312.gilMethod);
        Layout l313 = Layouts.forVersion(3, 13);
        assertEquals(Layout.GilMethod.STATUS_BIT, l313.gilMethod);
        assertEquals(0, l313.executableTagMask);
        Layout l314 = Layouts.forVersion(3, 14);
        assertTrue(l314.derived());
        assertEquals(3, l314.executableTagMask);
        assertEquals((1 << 3) | (1 << 4), l314.ownerSkipMask);
        assertEquals(74, l314.frOwner);
        assertEquals(88, l314.frSize);
        assertEquals(Layout.GilMethod.HOLDS_GIL_INT, l314.gilMethod);
    }
}
