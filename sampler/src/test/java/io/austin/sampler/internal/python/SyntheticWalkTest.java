package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The walk over synthetic memory, for every supported version. */
class SyntheticWalkTest {
    static Stream<String> versions() {
        return Stream.of("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14");
    }

    static SyntheticPython python(String v) {
        String[] p = v.split("\\.");
        return new SyntheticPython(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
    }

    private static boolean columns(SyntheticPython py) {
        return py.lay.lineFormat == Layout.LineFormat.LOCATIONS311;
    }

    private static String describe(ThreadStack t) {
        StringBuilder sb = new StringBuilder();
        for (FrameRef r : t.frames()) {
            Frame f = r.frame();
            sb.append(f.file()).append(':').append(f.scope()).append(':').append(f.line()).append(';');
        }
        return sb.toString();
    }

    /** A main interpreter with two threads; names in every string representation. */
    @ParameterizedTest
    @MethodSource("versions")
    void walksThreadsFramesAndNames(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long main = py.thread(interp, SyntheticPython.PID);
        long worker = py.thread(interp, 777);
        long file = py.str("target.py");
        long legacyFile = py.legacyStr("légacy.py");
        long module = py.code(file, py.str("<module>"), 1, py.table(1, 6, 72, 72, 0, 6), 0);
        long m = py.code(file, py.str("K.m"), 24, py.table(24, 4, 25, 26, 8, 11), 0);
        long uni = py.code(file, py.str("ünïcode"), 33, py.table(33, 2, 34, 34, 4, 20), 0);
        long cjk = py.code(legacyFile, py.str("函数"), 36, py.table(36, 10, 37, 37, 4, 12), 0);
        long astral = py.code(file, py.legacyStr("𝔘nicode"), 40, py.table(40, 0, 40, 40, 0, 1), 0);
        py.stack(main, List.of(SyntheticPython.F.of(module, 6), SyntheticPython.F.of(m, 4)), 64);
        py.stack(worker, List.of(SyntheticPython.F.of(uni, 2), SyntheticPython.F.of(cjk, 10),
                SyntheticPython.F.of(astral, 0)), 64);
        py.holdGil(interp, worker);
        py.gcCollecting(interp);

        InterpreterWalker w = py.walker();
        WalkResult r = w.walk();
        assertTrue(r.complete(), r.toString());
        assertEquals(1, r.interpreterCount());
        assertEquals(0, r.interpreterId(0));
        assertTrue(r.gcCollecting(0));
        assertEquals(2, r.threadCount());
        ThreadStack w0 = r.thread(0);
        ThreadStack m0 = r.thread(1);
        assertEquals(777, w0.nativeThreadId());
        assertEquals(SyntheticPython.PID, m0.nativeThreadId());
        assertTrue(w0.holdsGil());
        assertFalse(m0.holdsGil());
        assertFalse(m0.invalid());
        assertEquals("target.py:<module>:72;target.py:K.m:25;", describe(m0));
        assertEquals("target.py:ünïcode:34;légacy.py:函数:37;target.py:𝔘nicode:40;", describe(w0));
        Frame km = m0.frame(1).frame();
        if (columns(py)) {
            assertEquals(new Frame("target.py", "K.m", 25, 26, 9, 12), km);
        } else {
            assertEquals(Frame.of("target.py", "K.m", 25), km);
        }
        // Austin's key: lasti in bytes up to 3.10, in code units from 3.11 (addrq 4 here)
        assertEquals(((m & 0x7FFFFFFL) << 16) | (columns(py) ? 2 : 4), m0.frame(1).key());

        // Steady state: the same frame references come back, and nothing is re-decoded.
        assertFalse(r.finalizing());
        FrameRef before = m0.frame(1);
        long calls = py.mem.calls();
        WalkResult again = w.walk();
        assertSame(before, again.thread(1).frame(1));
        assertEquals(py.mem.calls() - calls, again.calls());

        py.mem.putLong(py.runtime + py.lay.rtFinalizing, 0x1234_5678L); // the finalizing thread state
        assertTrue(w.walk().finalizing());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void subInterpretersReportTheirOwnIds(String v) {
        SyntheticPython py = python(v);
        long main = py.interpreter(0);
        long t0 = py.thread(main, SyntheticPython.PID);
        long sub = py.interpreter(1);
        long t1 = py.thread(sub, 999);
        long c0 = py.code("target.py", "sub_interp_thread", 50, 2, 54, 54, 4, 10);
        long c1 = py.code("<string>", "in_sub", 2, 2, 3, 3, 4, 10);
        py.stack(t0, List.of(SyntheticPython.F.of(c0, 2)), 64);
        py.stack(t1, List.of(SyntheticPython.F.of(c1, 2)), 64);
        WalkResult r = py.walker().walk();
        assertTrue(r.complete());
        assertEquals(2, r.interpreterCount());
        assertEquals(1, r.interpreterId(0));
        assertEquals(0, r.interpreterId(1));
        assertEquals(1, r.thread(0).interpreterId());
        assertEquals(999, r.thread(0).nativeThreadId());
        assertEquals("<string>:in_sub:3;", describe(r.thread(0)));
        assertEquals(0, r.thread(1).interpreterId());
        assertEquals("target.py:sub_interp_thread:54;", describe(r.thread(1)));
    }

    /**
     * A thread being started: its new state carries the starter's ids until it runs (CPython up to 3.11), so two
     * states claim the main thread. One sample for it, with its frames; the same thread in another interpreter stays.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void aThreadClaimedByTwoStatesIsSampledOnceWithItsFrames(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long main = py.thread(interp, SyntheticPython.PID);
        long worker = py.thread(interp, 777);
        long starting = py.thread(interp, SyntheticPython.PID); // newest: head of the list, no frames yet
        long c = py.code("target.py", "start_worker", 10, 2, 12, 12, 4, 10);
        py.stack(main, List.of(SyntheticPython.F.of(c, 2)), 64);
        py.stack(worker, List.of(SyntheticPython.F.of(c, 2)), 64);
        WalkResult r = py.walker().walk();
        assertTrue(r.complete(), r.toString());
        assertEquals(2, r.threadCount(), "the main thread once, and the worker");
        assertEquals(SyntheticPython.PID, r.thread(0).nativeThreadId());
        assertEquals("target.py:start_worker:12;", describe(r.thread(0)), "the state with frames is kept");
        assertEquals(777, r.thread(1).nativeThreadId());
        assertTrue(starting != main);

        // The same thread id in a sub-interpreter is another sample.
        long sub = py.interpreter(1);
        long inSub = py.thread(sub, SyntheticPython.PID);
        py.stack(inSub, List.of(SyntheticPython.F.of(c, 2)), 64);
        WalkResult again = py.walker().walk();
        assertEquals(3, again.threadCount());
        assertEquals(1, again.thread(0).interpreterId());
        assertEquals(SyntheticPython.PID, again.thread(0).nativeThreadId());
    }

    /** Owner-based skipping: 3.12/3.13 CSTACK shims, 3.14 INTERPRETER/CSTACK; generator frames walk normally. */
    @ParameterizedTest
    @MethodSource("versions")
    void skipsShimAndIncompleteFrames(String v) {
        SyntheticPython py = python(v);
        if (py.lay.frameChain == Layout.FrameChain.FRAME_OBJECT) {
            return;
        }
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long a = py.code("t.py", "a", 10, 4, 11, 11, 0, 1);
        long gen = py.code("t.py", "gen", 20, 2, 21, 21, 0, 1);
        long shim = py.code("<shim>", "<interpreter trampoline>", 0, 0, 0, 0, 0, 0);
        long prologue = py.code(py.str("t.py"), py.str("starting"), 30, py.table(30, 2, 31, 31, 0, 1), 2);
        List<SyntheticPython.F> frames = new ArrayList<>();
        frames.add(SyntheticPython.F.of(a, 4));
        frames.add(new SyntheticPython.F(gen, 2, 1));
        for (int owner = 3; owner <= 4; owner++) {
            if (((py.lay.ownerSkipMask >> owner) & 1) != 0) {
                frames.add(new SyntheticPython.F(shim, 0, owner));
            }
        }
        frames.add(SyntheticPython.F.of(prologue, 2)); // addrq 2 < 2 * firsttraceable 4: incomplete
        py.stack(ts, frames, 64);
        ThreadStack t = py.walker().walk().thread(0);
        assertFalse(t.invalid(), t.toString());
        assertEquals("t.py:a:11;t.py:gen:21;", describe(t));
    }

    /** 3.11+: frames spread over several data-stack chunks, plus a generator frame outside any chunk. */
    @ParameterizedTest
    @MethodSource("versions")
    void walksAcrossChunksWithFewReads(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long rec = py.code("r.py", "rec", 1, 2, 2, 2, 4, 9);
        List<SyntheticPython.F> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            frames.add(new SyntheticPython.F(rec, 2, i == 50 && py.lay.frOwner >= 0 ? 1 : 0));
        }
        py.stack(ts, frames, 40);
        InterpreterWalker w = py.walker();
        w.setPrefetch(false);
        w.walk();
        WalkResult r = w.walk();
        ThreadStack t = r.thread(0);
        assertFalse(t.invalid());
        assertEquals(100, t.depth());
        if (py.lay.frameChain != Layout.FrameChain.FRAME_OBJECT) {
            // runtime + interpreter batch + thread state (+ cframe) + 3 chunk windows + codes, and 2 for the
            // generator frame outside the chunks (a window attempt that fails, then a single read); 3.12 reads its
            // interpreter's GIL struct too
            int expected = 3 + (py.lay.frameChain == Layout.FrameChain.CFRAME ? 1 : 0) + 3 + 1 + 2
                    + (py.lay.gilMethod == Layout.GilMethod.INTERPRETER_CEVAL_GIL ? 1 : 0);
            assertEquals(expected, r.calls());
        }
        // With prefetching, a steady stack costs one batched read, plus here the failing window attempt for the
        // generator frame.
        w.setPrefetch(true);
        w.walk();
        r = w.walk();
        assertEquals(100, r.thread(0).depth());
        assertFalse(r.thread(0).invalid());
        assertEquals(py.lay.frameChain == Layout.FrameChain.FRAME_OBJECT ? 1 : 2, r.calls());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void codeAddressReuseIsNoticed(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long c = py.code("old.py", "old", 1, 2, 2, 2, 0, 1);
        py.stack(ts, List.of(SyntheticPython.F.of(c, 2)), 64);
        InterpreterWalker w = py.walker();
        assertEquals("old.py:old:2;", describe(w.walk().thread(0)));
        // The code object dies and a new one is allocated at the same address.
        py.mem.putLong(c + py.lay.coScope, py.str("new"));
        py.mem.putInt(c + py.lay.coFirstLineno, 5);
        py.mem.putLong(c + py.lay.coLinetable, py.bytes(py.table(5, 2, 7, 7, 0, 1)));
        assertEquals("old.py:new:7;", describe(w.walk().thread(0)));
    }

    // ---------------------------------------------------------------- corrupt memory

    @ParameterizedTest
    @MethodSource("versions")
    void frameCycleMakesTheThreadInvalidAndKeepsTheLeafSide(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long other = py.thread(interp, 555);
        long c = py.code("c.py", "f", 1, 2, 2, 2, 0, 1);
        long d = py.code("c.py", "g", 1, 2, 3, 3, 0, 1);
        long[] fr = py.stack(ts, List.of(SyntheticPython.F.of(c, 2), SyntheticPython.F.of(c, 2),
                SyntheticPython.F.of(d, 2)), 64);
        py.stack(other, List.of(SyntheticPython.F.of(d, 2)), 64);
        py.mem.putLong(fr[0] + py.lay.frPrevious, fr[2]); // root points back at the leaf
        WalkResult r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> py.walker().walk());
        ThreadStack bad = r.thread(1);
        assertTrue(bad.invalid());
        assertEquals("c.py:f:2;c.py:f:2;c.py:g:3;", describe(bad));
        assertFalse(r.thread(0).invalid());
        assertEquals("c.py:g:3;", describe(r.thread(0)));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void selfLoopAndUnreadableFrames(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long c = py.code("c.py", "f", 1, 2, 2, 2, 0, 1);
        long d = py.code("c.py", "leaf", 1, 2, 9, 9, 0, 1);
        long[] fr = py.stack(ts, List.of(SyntheticPython.F.of(c, 2), SyntheticPython.F.of(d, 2)), 64);
        py.mem.putLong(fr[1] + py.lay.frPrevious, fr[1]);
        InterpreterWalker w = py.walker();
        ThreadStack t = w.walk().thread(0);
        assertTrue(t.invalid());
        assertEquals("c.py:leaf:9;", describe(t));
        py.mem.putLong(fr[1] + py.lay.frPrevious, 0x6600_0000_0000L); // unmapped
        t = w.walk().thread(0);
        assertTrue(t.invalid());
        assertEquals("c.py:leaf:9;", describe(t));
        py.mem.putLong(fr[1] + py.lay.frPrevious, fr[0] + 3); // misaligned
        assertTrue(w.walk().thread(0).invalid());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void badStringsAndWrongCodeType(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long good = py.code("c.py", "good", 1, 2, 2, 2, 0, 1);
        long badKind = py.code("c.py", "bad", 1, 2, 2, 2, 0, 1);
        long scope = py.mem.at(badKind + py.lay.coScope).getLong(0);
        py.writeStrHeader(scope, 3, 3, true, false); // kind 3 does not exist
        py.stack(ts, List.of(SyntheticPython.F.of(good, 2), SyntheticPython.F.of(badKind, 2)), 64);
        InterpreterWalker w = py.walker();
        ThreadStack t = w.walk().thread(0);
        assertTrue(t.invalid());
        assertEquals(0, t.depth());

        py.writeStrHeader(scope, 1_000_000, 1, true, true); // implausible length
        assertTrue(w.walk().thread(0).invalid());

        py.writeStrHeader(scope, 3, 1, true, true);
        py.mem.at(scope + py.lay.uAsciiSize).put(new byte[] {'b', (byte) 0xE9, 'd'}); // not ASCII
        assertTrue(w.walk().thread(0).invalid());

        py.mem.at(scope + py.lay.uAsciiSize).put(new byte[] {'b', 'a', 'd'});
        t = w.walk().thread(0);
        assertFalse(t.invalid(), t.toString());
        assertEquals("c.py:good:2;c.py:bad:2;", describe(t));

        // A leaf whose "code object" has another type: an error before 3.13, skipped from 3.13 on.
        long fake = py.code("c.py", "fake", 1, 2, 2, 2, 0, 1);
        py.mem.putLong(fake + py.lay.obType, py.alloc(512));
        py.stack(ts, List.of(SyntheticPython.F.of(good, 2), SyntheticPython.F.of(fake, 2)), 64);
        t = w.walk().thread(0);
        if (py.lay.skipNonCodeExecutable) {
            assertFalse(t.invalid());
            assertEquals("c.py:good:2;", describe(t));
        } else {
            assertTrue(t.invalid());
            assertEquals(0, t.depth());
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void codeTypeIsLearnedFromTpName(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long c = py.code("c.py", "f", 1, 2, 2, 2, 0, 1);
        py.stack(ts, List.of(SyntheticPython.F.of(c, 2)), 64);
        InterpreterWalker w = InterpreterWalker.create(py.mem, py.major, py.minor, py.runtime, 0, SyntheticPython.PID);
        assertEquals("c.py:f:2;", describe(w.walk().thread(0)));
        assertEquals(py.codeType, w.codeTypeAddress());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void brokenListsAreBoundedAndNeverThrow(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long a = py.thread(interp, SyntheticPython.PID);
        long b = py.thread(interp, 2);
        long c = py.code("c.py", "f", 1, 2, 2, 2, 0, 1);
        py.stack(a, List.of(SyntheticPython.F.of(c, 2)), 64);
        py.stack(b, List.of(SyntheticPython.F.of(c, 2)), 64);
        py.mem.putLong(a + py.lay.tsNext, b); // a -> b -> a -> ...
        InterpreterWalker w = py.walker();
        WalkResult r = assertTimeoutPreemptively(Duration.ofSeconds(5), w::walk);
        assertFalse(r.complete());
        assertEquals(2, r.threadCount());

        py.mem.putLong(a + py.lay.tsNext, 0);
        py.mem.putLong(b + py.lay.tsInterp, 0x1234_5000L); // stale thread state
        r = w.walk();
        assertFalse(r.complete());
        assertEquals(0, r.threadCount());

        py.mem.putLong(b + py.lay.tsInterp, interp);
        py.mem.putLong(interp + py.lay.isNext, interp); // interpreter cycle
        r = assertTimeoutPreemptively(Duration.ofSeconds(5), w::walk);
        assertFalse(r.complete());
        assertEquals(2, r.threadCount());

        py.mem.unmap(py.runtime);
        r = w.walk();
        assertFalse(r.complete());
        assertEquals(0, r.threadCount());
    }

    /** Random garbage everywhere a pointer can be: no exception, bounded time. */
    @ParameterizedTest
    @MethodSource("versions")
    void garbageNeverThrows(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long c = py.code("c.py", "f", 1, 2, 2, 2, 0, 1);
        long[] fr = py.stack(ts, List.of(SyntheticPython.F.of(c, 2), SyntheticPython.F.of(c, 2)), 64);
        InterpreterWalker w = py.walker();
        java.util.Random rnd = new java.util.Random(42);
        long[] targets = {fr[0], fr[1], c, ts, interp};
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 3000; i++) {
                long base = targets[rnd.nextInt(targets.length)];
                int off = rnd.nextInt(200) & ~7;
                long value = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextLong();
                    case 1 -> targets[rnd.nextInt(targets.length)] + (rnd.nextInt(64) & ~7);
                    case 2 -> 0;
                    default -> rnd.nextInt(1 << 20);
                };
                try {
                    py.mem.putLong(base + off, value);
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    continue;
                }
                w.walk();
            }
        });
        assertEquals(0, w.unexpectedErrors(), "passes ended by an unexpected exception");
    }

    /** Chains longer than the depth cap, of real frames or of skipped shim frames, end the walk: invalid. */
    @ParameterizedTest
    @MethodSource("versions")
    void overlongChainsAreCut(String v) {
        SyntheticPython py = python(v);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        long c = py.code("c.py", "f", 1, 2, 2, 2, 0, 1);
        List<SyntheticPython.F> frames = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            frames.add(SyntheticPython.F.of(c, 2));
        }
        py.stack(ts, frames, 4096);
        InterpreterWalker w = py.walker();
        ThreadStack t = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> w.walk().thread(0));
        assertTrue(t.invalid());
        assertEquals(ChainFrames.MAX_DEPTH, t.depth());
        if (py.lay.ownerSkipMask != 0) {
            frames.clear();
            frames.add(SyntheticPython.F.of(c, 2));
            for (int i = 0; i < 5000; i++) {
                frames.add(new SyntheticPython.F(c, 2, 3));
            }
            py.stack(ts, frames, 4096);
            t = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> w.walk().thread(0));
            assertTrue(t.invalid());
            assertEquals(0, t.depth());
        }
        assertEquals(0, w.unexpectedErrors());
    }
}
