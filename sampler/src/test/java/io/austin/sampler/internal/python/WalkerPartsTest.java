package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The walker's parts on their own, over synthetic memory: reads, objects, code cache, both frame chains. */
class WalkerPartsTest {
    static java.util.stream.Stream<String> versions() {
        return SyntheticWalkTest.versions();
    }

    @Test
    void passReaderFetchesLastPassPlanInOneCall() {
        FakeMemory mem = new FakeMemory();
        mem.map(0x10000, 4096);
        mem.map(0x20000, 4096);
        mem.putLong(0x10000, 11);
        mem.putLong(0x20008, 22);
        PassReader r = new PassReader(mem);
        ByteBuffer dst = PassReader.buffer(64);
        r.beginPass();
        assertTrue(r.fetch(0x10000, dst, 0, 8));
        assertTrue(r.fetch(0x20000, dst, 8, 16));
        assertEquals(2, mem.calls(), "first pass: one call per range");
        long before = mem.calls();
        r.beginPass();
        assertTrue(r.fetch(0x10000, dst, 0, 8));
        assertTrue(r.fetch(0x20000, dst, 8, 16));
        assertEquals(1, mem.calls() - before, "second pass: the plan in one batched call, nothing else");
        assertEquals(11, dst.getLong(0));
        assertEquals(22, dst.getLong(16));
        // A longer read than planned goes to the target, and the plan grows for the next pass.
        assertTrue(r.fetch(0x10000, dst, 0, 32));
        assertEquals(2, mem.calls() - before);
        // A range that fails is reported, the other ranges of the batch still come.
        mem.unmap(0x20000);
        r.beginPass();
        assertFalse(r.fetch(0x20000, dst, 0, 8));
        assertTrue(r.fetch(0x10000, dst, 0, 32));
    }

    @Test
    void passReaderBatchReportsLeadingRanges() {
        FakeMemory mem = new FakeMemory();
        mem.map(0x10000, 64);
        PassReader r = new PassReader(mem);
        r.beginPass();
        long[] addr = {0x10000, 0x99990000L, 0x10008};
        int[] len = {8, 8, 8};
        int[] off = {0, 8, 16};
        assertEquals(1, r.fetchBatch(addr, len, off, 3, PassReader.buffer(32)), "stops at the first failure");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void remoteObjectsDecodeStringsAndBytesAndRejectGarbage(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        RemoteObjects o = new RemoteObjects(new PassReader(py.mem), py.lay);
        long s = py.str("héllo wörld");
        assertEquals("héllo wörld", o.readString(s));
        assertSame(o.readString(s), o.readString(s), "cached by address while unchanged");
        assertEquals("ascii", o.readString(py.legacyStr("ascii")));
        assertNull(o.readString(0x1234));
        assertNull(o.readString(s + 4), "misaligned");
        assertEquals(3, o.readBytes(py.bytes(new byte[] {1, 2, 3})).length);
        assertNull(o.readBytes(0));
        assertFalse(o.isNamedCode(0x1000));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void codeCacheRechecksReusedAddressesAndCutsAtUnreadableCode(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        PassReader reader = new PassReader(py.mem);
        CodeCache cache = new CodeCache(reader, new RemoteObjects(reader, py.lay), py.lay, py.codeType);
        long code = py.code("a.py", "f", 10, 0, 11, 11, 0, 1);
        ChainFrames frames = new ChainFrames();
        frames.code[0] = code;
        frames.addrq[0] = 0;
        ThreadStack t = new ThreadStack();
        cache.beginPass();
        reader.beginPass();
        cache.resolve(frames, 1, false, t);
        assertEquals(1, t.depth());
        assertEquals("f", t.frame(0).frame().scope());
        assertFalse(t.invalid());
        var first = t.frame(0);

        // The same address now holds another code object (the old one died): re-checked, re-read.
        long otherName = py.str("g");
        py.mem.putLong(code + py.lay.coScope, otherName);
        cache.beginPass();
        reader.beginPass();
        t = new ThreadStack();
        cache.resolve(frames, 1, false, t);
        assertEquals("g", t.frame(0).frame().scope());
        assertNotSame(first, t.frame(0));

        // A frame whose code is unreadable cuts the stack there (leaf side kept) and marks it invalid.
        frames.code[0] = code;
        frames.code[1] = 0x7777_0000_0000L;
        frames.addrq[1] = 0;
        cache.beginPass();
        reader.beginPass();
        t = new ThreadStack();
        cache.resolve(frames, 2, false, t);
        assertEquals(1, t.depth());
        assertTrue(t.invalid());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void frameChainsFollowTheStackAndStopAtCyclesAndBadPointers(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long a = py.code("a.py", "a", 1, 0, 1, 1, 0, 1);
        long b = py.code("a.py", "b", 5, 2, 6, 6, 0, 1);
        long[] addr = py.stack(ts, List.of(SyntheticPython.F.of(a, 0), SyntheticPython.F.of(b, 2),
                SyntheticPython.F.of(b, 4)), 2);
        PassReader reader = new PassReader(py.mem);
        FrameChain chain = py.lay.frameChain == Layout.FrameChain.FRAME_OBJECT
                ? new FrameObjectChain(reader, py.lay, SyntheticPython.PID)
                : new InterpreterFrameChain(reader, py.lay);
        long chunk = py.lay.tsDatastackChunk >= 0 ? py.mem.at(ts + py.lay.tsDatastackChunk).getLong(0) : 0;
        ChainFrames out = new ChainFrames();
        reader.beginPass();
        assertEquals(3, chain.collect(addr[2], chunk, 0, out), "three frames, leaf first");
        assertEquals(b, out.code[0]);
        assertEquals(4, out.addrq[0]);
        assertEquals(a, out.code[2]);

        // A cycle: the root points back at the leaf.
        py.mem.putLong(addr[0] + py.lay.frPrevious, addr[2]);
        reader.beginPass();
        assertEquals(-4, chain.collect(addr[2], chunk, 0, out), "incomplete after the three frames");

        // A bad pointer in the middle: incomplete with the leaf-side frames kept.
        py.mem.putLong(addr[1] + py.lay.frPrevious, 0x1234);
        reader.beginPass();
        assertEquals(-3, chain.collect(addr[2], chunk, 0, out));
    }

    @Test
    void steadyStacksCostOneCallPerPassWhateverTheirDepth() {
        for (String v : List.of("3.9", "3.12")) {
            SyntheticPython py = SyntheticWalkTest.python(v);
            long interp = py.interpreter(0);
            long ts = py.thread(interp, SyntheticPython.PID);
            long c = py.code("a.py", "f", 1, 0, 1, 1, 0, 1);
            java.util.List<SyntheticPython.F> deep = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                deep.add(SyntheticPython.F.of(c, 0));
            }
            py.stack(ts, deep, 1000);
            InterpreterWalker w = py.walker();
            w.walk();
            w.walk();
            WalkResult r = w.walk();
            assertEquals(100, r.thread(0).depth());
            assertEquals(1, r.calls(), v + ": one call per pass at depth 100");
        }
    }
}
