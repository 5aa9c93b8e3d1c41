package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-sample paths allocate nothing on the Java heap once warmed up. */
class AllocationTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    /** The native calls are made ready, as a run does once it samples (until then it reads with Java I/O). */
    @BeforeAll
    static void bind() {
        NativeBinding.bindNow();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private static boolean measurable() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled();
    }

    @Test
    void readsBatchesAndThreadStatesDoNotAllocate() {
        assumeTrue(measurable(), "this JVM cannot measure per-thread allocation");
        final ByteBuffer source = ByteBuffer.allocateDirect(4096);
        final long base = Pointer.nativeValue(Native.getDirectBufferPointer(source));
        final ByteBuffer direct = ByteBuffer.allocateDirect(1024);
        final ByteBuffer heap = ByteBuffer.allocate(1024);
        final long[] addresses = new long[16];
        final int[] lengths = new int[16];
        final int[] offsets = new int[16];
        for (int i = 0; i < 16; i++) {
            addresses[i] = base + i * 128L;
            lengths[i] = 48;
            offsets[i] = i * 64;
        }
        try (ProcessVmMemory memory = ProcessVmMemory.open(SELF); ProcTasks tasks = new ProcTasks(SELF)) {
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                // Round 0 warms up (class loading, the cached buffer address); rounds 1-4 are measured and the
                // best counts: a one-off JIT or deoptimisation transition can allocate in any single round, while
                // an allocation per call would show in every round (50,000 calls x at least 16 bytes).
                int ok = 0;
                final long before = allocated();
                for (int i = 0; i < 10_000; i++) {
                    ok += memory.read(base + (i & 1023), direct, 0, 64) ? 1 : 0;
                    ok += memory.read(base + (i & 1023), heap, 0, 64) ? 1 : 0;
                    ok += memory.readBatch(addresses, lengths, offsets, 16, direct) == 16 ? 1 : 0;
                    ok += memory.readBatch(addresses, lengths, offsets, 16, heap) == 16 ? 1 : 0;
                    ok += memory.read(0x10, direct, 0, 8) ? 0 : 1;
                    if ((i & 15) == 0) {
                        ok += tasks.state(SELF) != ProcTasks.UNKNOWN_STATE ? 1 : 0;
                        ok += tasks.residentBytes() > 0 ? 1 : 0;
                    }
                }
                final long bytes = allocated() - before;
                assertEquals(5 * 10_000 + 2 * 625, ok);
                if (round > 0) {
                    best = Math.min(best, bytes);
                }
            }
            // A few hundred bytes of slack for the measurement itself.
            assertTrue(best < 1024, "allocated at least " + best + " bytes in every round of 50,000 reads");
        }
    }
}
