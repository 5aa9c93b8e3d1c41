package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code str} and {@code bytes} decoding (cpython.md §6) in every layout, and the TID discovery of §4.2. */
class StringsTest {
    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.SyntheticWalkTest#versions")
    void everyRepresentation(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        InterpreterWalker w = py.walker();
        for (String s : List.of("", "plain.py", "ünïcode", "函数", "𝔘nicode 😀", "x".repeat(4096))) {
            assertEquals(s, w.readString(py.str(s)), "compact " + s);
            assertEquals(s, w.readString(py.legacyStr(s)), "legacy " + s);
        }
        long cached = py.str("cached");
        assertSame(w.readString(cached), w.readString(cached));
    }

    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.SyntheticWalkTest#versions")
    void implausibleStringsAreRejected(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        InterpreterWalker w = py.walker();
        assertNull(w.readString(py.str("x".repeat(4097))), "over the length cap");
        long s = py.str("abc");
        py.writeStrHeader(s, 3, 0, true, false); // kind 0: a never-readied wide string
        assertNull(w.readString(s));
        py.writeStrHeader(s, 3, 2, true, true); // "ascii" but two bytes per char
        assertNull(w.readString(s));
        py.writeStrHeader(s, -1, 1, true, true);
        assertNull(w.readString(s));
        long legacy = py.legacyStr("ab");
        py.mem.putLong(legacy + py.lay.uDataAny, 0x5600_0000_0001L); // misaligned data pointer
        assertNull(w.readString(legacy));
        py.mem.putLong(legacy + py.lay.uDataAny, 0x5600_0000_0000L); // unmapped
        assertNull(w.readString(legacy));
        long wide = py.str("😀😀");
        py.mem.putInt(wide + py.lay.uCompactSize, 0x0011_0000); // beyond Unicode
        assertNull(w.readString(wide));
        assertNull(w.readString(0));
        assertNull(w.readString(s + 4));
        // A NUL in any representation: what a read of an object being built or freed gives, not a name.
        assertNull(w.readString(py.str("ab\0c")), "NUL, one byte per character");
        assertNull(w.readString(py.str("é\0")), "NUL, Latin-1");
        assertNull(w.readString(py.str("函\0")), "NUL, two bytes per character");
        assertNull(w.readString(py.str("😀\0")), "NUL, four bytes per character");
        assertNull(w.readString(py.legacyStr("a\0")), "NUL, legacy string");
    }

    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.SyntheticWalkTest#versions")
    void bytesObjects(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        InterpreterWalker w = py.walker();
        assertArrayEquals(new byte[] {1, 2, 3}, w.readBytes(py.bytes(new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[0], w.readBytes(py.bytes(new byte[0])));
        long big = py.bytes(new byte[8]);
        py.mem.putLong(big + py.lay.bytesSize, RemoteObjects.MAX_TABLE + 1L);
        assertNull(w.readBytes(big));
        py.mem.putLong(big + py.lay.bytesSize, 4096); // larger than the object: unreadable
        assertNull(w.readBytes(big));
    }

    /** 3.8–3.10: the TID's place in struct pthread is found by looking for the PID in the main thread's. */
    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.SyntheticWalkTest#versions")
    void tidOffsetIsDiscovered(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        if (py.lay.tsNativeThreadId >= 0) {
            assertEquals(0, py.walker().pthreadTidOffset());
            return;
        }
        long interp = py.interpreter(0);
        long main = py.thread(interp, SyntheticPython.PID);
        long other = py.thread(interp, 4321);
        long c = py.code("c.py", "f", 1, 2, 2, 2, 0, 1);
        py.stack(main, List.of(SyntheticPython.F.of(c, 2)), 64);
        py.stack(other, List.of(SyntheticPython.F.of(c, 2)), 64);
        // A libc whose struct pthread keeps the TID at 736 instead of 720.
        for (long ts : new long[] {main, other}) {
            long pthread = py.mem.at(ts + py.lay.tsThreadId).getLong(0);
            int tid = py.mem.at(pthread + 720).getInt(0);
            py.mem.putInt(pthread + 720, 0);
            py.mem.putInt(pthread + 736, tid);
        }
        InterpreterWalker w = py.walker();
        WalkResult r = w.walk();
        assertEquals(736, w.pthreadTidOffset());
        assertEquals(4321, r.thread(0).nativeThreadId());
        assertEquals(SyntheticPython.PID, r.thread(1).nativeThreadId());
    }
}
