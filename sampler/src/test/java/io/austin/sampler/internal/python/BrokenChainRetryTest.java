package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 3.8-3.10 keep a thread's frames as objects that are freed and reused with every call, so a walk of a thread that
 * recurses in a tight loop often finds its chain broken half-way; the walker walks it again, all read afresh. A
 * thread breaks several walks in a row: the retries must outlast that, and must stop, over all threads of a pass, at
 * their budget when a chain never holds (a loop, hostile memory).
 */
class BrokenChainRetryTest {
    static Stream<String> frameObjectVersions() {
        return Stream.of("3.8", "3.9", "3.10");
    }

    /** Reads through to the synthetic memory; one address reads as garbage for its first {@code spoiled} reads. */
    static final class Flaky implements RemoteMemory {
        private final FakeMemory base;
        private final long address;
        private int spoiled;
        long frameReads;
        private final int frameSize;

        Flaky(FakeMemory base, long address, int spoiled, int frameSize) {
            this.base = base;
            this.address = address;
            this.spoiled = spoiled;
            this.frameSize = frameSize;
        }

        private void spoil(long at, ByteBuffer dst, int dstOffset, int length) {
            if (length == frameSize) {
                frameReads++;
            }
            if (at != address || spoiled <= 0) {
                return;
            }
            spoiled--;
            for (int i = 0; i + 8 <= length; i += 8) {
                dst.putLong(dstOffset + i, 0x5151_5151_5151_5151L); // not a pointer: the chain breaks here
            }
        }

        @Override
        public boolean read(long at, ByteBuffer dst, int dstOffset, int length) {
            boolean ok = base.read(at, dst, dstOffset, length);
            if (ok) {
                spoil(at, dst, dstOffset, length);
            }
            return ok;
        }

        @Override
        public int readBatch(long[] addresses, int[] lengths, int[] dstOffsets, int count, ByteBuffer dst) {
            int got = base.readBatch(addresses, lengths, dstOffsets, count, dst);
            for (int i = 0; i < got; i++) {
                spoil(addresses[i], dst, dstOffsets[i], lengths[i]);
            }
            return got;
        }

        @Override
        public long calls() {
            return base.calls();
        }

        @Override
        public void close() {
        }
    }

    private static List<SyntheticPython.F> frames(SyntheticPython py, int depth) {
        long module = py.code("m.py", "<module>", 1, 2, 3, 3, 0, 4);
        long rec = py.code("m.py", "rec", 10, 4, 12, 12, 4, 14);
        List<SyntheticPython.F> frames = new ArrayList<>();
        frames.add(SyntheticPython.F.of(module, 2));
        for (int i = 1; i < depth; i++) {
            frames.add(SyntheticPython.F.of(rec, 4));
        }
        return frames;
    }

    @ParameterizedTest
    @MethodSource("frameObjectVersions")
    void aChainBrokenForTwentyWalksInARowIsStillWalkedWhole(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        long ts = py.thread(py.interpreter(0), SyntheticPython.PID);
        long[] addr = py.stack(ts, frames(py, 40), 64);
        // The first walk and the next nineteen find the chain broken in its middle (eight retries gave up here).
        Flaky memory = new Flaky(py.mem, addr[20], 20, py.lay.frSize);
        InterpreterWalker w = InterpreterWalker.create(memory, py.major, py.minor, py.runtime, py.codeType,
                SyntheticPython.PID);
        WalkResult r = w.walk();
        assertEquals(1, r.threadCount());
        assertFalse(r.thread(0).invalid(), v + ": the retries outlast the broken walks");
        assertEquals(40, r.thread(0).depth());
    }

    @ParameterizedTest
    @MethodSource("frameObjectVersions")
    void retriesOfChainsThatNeverHoldStopAtThePassBudget(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        long interp = py.interpreter(0);
        int threads = 16;
        int depth = 1000;
        for (int i = 0; i < threads; i++) {
            long ts = py.thread(interp, i == 0 ? SyntheticPython.PID : SyntheticPython.PID + i);
            long[] addr = py.stack(ts, frames(py, depth), 64);
            py.mem.putLong(addr[0] + py.lay.frPrevious, addr[depth - 1]); // the root links back to the leaf: a loop
        }
        Flaky memory = new Flaky(py.mem, 0, 0, py.lay.frSize);
        InterpreterWalker w = InterpreterWalker.create(memory, py.major, py.minor, py.runtime, py.codeType,
                SyntheticPython.PID);
        WalkResult r = w.walk();
        assertEquals(threads, r.threadCount());
        for (int i = 0; i < threads; i++) {
            assertTrue(r.thread(i).invalid(), v + ": a looping chain is invalid");
        }
        // Each thread's first walk reads its thousand frames once (and the loop's first frame again); the retries
        // of all sixteen together read no more than their budget (32 retries each would be over half a million).
        long first = threads * (depth + 1L);
        assertTrue(memory.frameReads <= first + InterpreterWalker.LIVE_RETRY_FRAMES + depth + 1,
                v + ": " + memory.frameReads + " frame reads in one pass");
    }
}
