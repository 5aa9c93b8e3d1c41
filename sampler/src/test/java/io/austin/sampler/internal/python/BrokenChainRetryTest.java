package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A thread's stack changes while a walk follows it: 3.8-3.10 free and reuse frame objects with every call, 3.11+ pop
 * and push frames in their data-stack chunks. A walk of a thread that recurses in a tight loop often finds its chain
 * broken half-way, and the walker walks it again, all read afresh, from the thread's current frame. A thread breaks
 * several walks in a row: the retries must outlast that, and must stop, over all threads of a pass, at their budget
 * when a chain never holds (a loop, hostile memory).
 */
class BrokenChainRetryTest {
    /** Reads through to the synthetic memory; the bytes of one address read as garbage, its first reads. */
    static final class Flaky implements RemoteMemory {
        private final FakeMemory base;
        private final long address;
        private final int spoiledLength;
        private int spoiled;
        private final Set<Long> threadStates = new HashSet<>();
        private final int threadStateLength;
        long threadStateReads;

        Flaky(FakeMemory base, long address, int spoiledLength, int spoiled, int threadStateLength) {
            this.base = base;
            this.address = address;
            this.spoiledLength = spoiledLength;
            this.spoiled = spoiled;
            this.threadStateLength = threadStateLength;
        }

        void threadState(long ts) {
            threadStates.add(ts);
        }

        /** Spoils what a read of {@code [at, at + length)} copied of the address's bytes, while spoiling lasts. */
        private void spoil(long at, ByteBuffer dst, int dstOffset, int length) {
            if (length == threadStateLength && threadStates.contains(at)) {
                threadStateReads++;
            }
            if (spoiled <= 0 || address < at || address + spoiledLength > at + length) {
                return;
            }
            spoiled--;
            for (int i = 0; i + 8 <= spoiledLength; i += 8) {
                dst.putLong(dstOffset + (int) (address - at) + i, 0x5151_5151_5151_5151L); // not a pointer
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

    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.SyntheticWalkTest#versions")
    void aChainBrokenForTwentyWalksInARowIsStillWalkedWhole(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        long ts = py.thread(py.interpreter(0), SyntheticPython.PID);
        long[] addr = py.stack(ts, py.recursion(40), 64);
        // The first walk and the next nineteen find the chain broken in its middle (eight retries gave up here, and
        // 3.11+ had none).
        Flaky memory = new Flaky(py.mem, addr[20], py.lay.frSize, 20, py.lay.threadReadLength());
        InterpreterWalker w = InterpreterWalker.create(memory, py.major, py.minor, py.runtime, py.codeType,
                SyntheticPython.PID);
        WalkResult r = w.walk();
        assertEquals(1, r.threadCount());
        assertFalse(r.thread(0).invalid(), v + ": the retries outlast the broken walks");
        assertEquals(40, r.thread(0).depth());
    }

    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.SyntheticWalkTest#versions")
    void retriesOfChainsThatNeverHoldStopAtThePassBudget(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        long interp = py.interpreter(0);
        int threads = 16;
        int depth = 1000;
        Flaky memory = new Flaky(py.mem, 0, 0, 0, py.lay.threadReadLength());
        for (int i = 0; i < threads; i++) {
            long ts = py.thread(interp, i == 0 ? SyntheticPython.PID : SyntheticPython.PID + i);
            memory.threadState(ts);
            long[] addr = py.stack(ts, py.recursion(depth), 4096);
            py.mem.putLong(addr[0] + py.lay.frPrevious, addr[depth - 1]); // the root links back to the leaf: a loop
        }
        InterpreterWalker w = InterpreterWalker.create(memory, py.major, py.minor, py.runtime, py.codeType,
                SyntheticPython.PID);
        WalkResult r = w.walk();
        assertEquals(threads, r.threadCount());
        for (int i = 0; i < threads; i++) {
            assertTrue(r.thread(i).invalid(), v + ": a looping chain is invalid");
        }
        // Each thread's state is read once by the pass; every retry reads it again and walks the thousand frames of
        // the loop, which the budget of retried frames allows about four times in the pass (32 retries for each of
        // the sixteen threads would be 512).
        long retries = memory.threadStateReads - threads;
        long allowed = InterpreterWalker.LIVE_RETRY_FRAMES / (depth + 1) + 1;
        assertTrue(retries >= 1 && retries <= allowed, v + ": " + retries + " retries in one pass, at most " + allowed);
    }
}
