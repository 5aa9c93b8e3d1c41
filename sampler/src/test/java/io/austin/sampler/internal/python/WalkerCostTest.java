package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walker's own cost on synthetic memory (no system calls): reads per pass, CPU time per pass and bytes allocated
 * per steady-state pass, at stack depths 10 and 100. Printed for the record; allocation is asserted.
 */
class WalkerCostTest {
    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.SyntheticWalkTest#versions")
    void steadyStatePassesReadLittleAndAllocateNothing(String v) {
        for (int depth : new int[] {10, 100}) {
            SyntheticPython py = SyntheticWalkTest.python(v);
            long interp = py.interpreter(0);
            long ts = py.thread(interp, SyntheticPython.PID);
            py.stack(ts, py.recursion(depth), 4096);
            InterpreterWalker w = py.walker();
            for (int i = 0; i < 20_000; i++) {
                w.walk();
            }
            WalkResult r = w.walk();
            assertEquals(depth, r.thread(0).depth());
            long calls = r.calls();

            com.sun.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean()
                    instanceof com.sun.management.ThreadMXBean m ? m : null;
            long tid = Thread.currentThread().getId();
            int passes = 20_000;
            long a0 = mx == null ? 0 : mx.getThreadAllocatedBytes(tid);
            long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (int i = 0; i < passes; i++) {
                w.walk();
            }
            long cpu1 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long a1 = mx == null ? 0 : mx.getThreadAllocatedBytes(tid);
            double bytesPerPass = (a1 - a0) / (double) passes;
            System.out.printf("[walker-fake] %s depth=%d reads/pass=%d cpu=%.2f us/pass alloc=%.2f B/pass%n", v,
                    depth, calls, (cpu1 - cpu0) / 1e3 / passes, bytesPerPass);
            assertTrue(bytesPerPass < 16, "steady-state allocation " + bytesPerPass + " B/pass");
            // A steady stack: everything comes from the one prefetch call.
            assertEquals(1, calls, "reads per pass at depth " + depth);
        }
    }
}
