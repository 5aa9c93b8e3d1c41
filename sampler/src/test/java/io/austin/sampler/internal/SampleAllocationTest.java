package io.austin.sampler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Mode;
import io.austin.formats.Sample;
import io.austin.sampler.Pythons;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.internal.linux.NativeBinding;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole per-sample path on a real interpreter (walk, thread states, resident memory, the sample value) allocates
 * nothing in steady state beyond the sample value itself: over 10^5 samples of a steady 50-frame stack of a running
 * thread, in every mode, the calling thread allocates no more than one {@link Sample} object per sample (the frame list is the
 * previous sample's, by identity).
 */
class SampleAllocationTest {

    /** The native calls are made ready, as a run does once it samples (until then it reads with Java I/O). */
    @BeforeAll
    static void bind() {
        NativeBinding.bindNow();
    }
    /** A {@code Sample}: header, two references, an int and two longs, padded to 8 bytes (compressed oops). */
    static final double SAMPLE_BYTES = 40;
    /**
     * Two rounds of this many samples per mode: 10^5 in all on one interpreter ({@link Pythons#any()}), a tenth of
     * that on the others (the same code paths, a different layout), to keep the suite's time.
     */
    private static final int SAMPLES = 50_000;

    /** 50 frames deep, busy in one long C call: the thread runs and its Python stack never changes. */
    static final String TARGET = "def down(n):\n"
            + "    if n:\n"
            + "        down(n - 1)\n"
            + "    else:\n"
            + "        sum(range(1 << 62))\n"
            + "down(48)\n";

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @TestFactory
    Stream<DynamicTest> aSteadyStackCostsOneSampleObjectPerSample() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot measure per-thread allocation");
        return Pythons.each(py -> {
            Target target = Target.spawn(List.of(py.path().toString(), "-S", "-c", TARGET), true);
            try (ProcessSampler p = ProcessSampler.open(target, false, Duration.ofSeconds(10), true)) {
                // Until the target is asleep at the bottom of its recursion.
                long until = System.nanoTime() + 10_000_000_000L;
                int[] depth = {0};
                p.start(System.nanoTime());
                while (depth[0] < 50 && System.nanoTime() < until) {
                    p.pass(System.nanoTime(), config(Mode.WALL), new Counters(), s -> depth[0] = s.frames().size());
                }
                assertTrue(depth[0] >= 50, "the target reached its sleep: depth " + depth[0]);
                StringBuilder report = new StringBuilder();
                int samples = py.equals(Pythons.any()) ? SAMPLES : SAMPLES / 10;
                for (Mode mode : List.of(Mode.WALL, Mode.CPU, Mode.MEMORY, Mode.FULL)) {
                    RunConfig config = config(mode);
                    Counters counters = new Counters();
                    long[] count = {0};
                    Object[] last = {null};
                    java.util.function.Consumer<Sample> out = s -> {
                        count[0]++;
                        last[0] = s.frames();
                    };
                    for (int i = 0; i < samples / 5; i++) { // warm up: compiled code, caches filled
                        p.pass(System.nanoTime(), config, counters, out);
                    }
                    Object steadyFrames = last[0];
                    double best = Double.MAX_VALUE;
                    for (int round = 0; round < 2; round++) {
                        // The better of two rounds counts: a one-off compilation can allocate in any round, an
                        // allocation per sample shows in all of them.
                        count[0] = 0;
                        int passes = 0;
                        long before = allocated();
                        while (count[0] < samples && passes < samples) {
                            p.pass(System.nanoTime(), config, counters, out);
                            passes++;
                        }
                        long bytes = allocated() - before;
                        best = Math.min(best, bytes / (double) Math.max(passes, 1));
                        if (mode == Mode.CPU) {
                            // Passes come back to back here: one whose thread got no CPU since the previous (the
                            // machine's other work had it) has no sample.
                            assertTrue(count[0] >= samples / 2, mode + ": a sample in most passes: " + count[0]);
                        } else if (mode != Mode.MEMORY) { // memory mode drops the samples whose delta is zero
                            assertEquals(samples, count[0], mode + ": one sample per pass");
                        }
                    }
                    if (mode != Mode.MEMORY) {
                        assertTrue(last[0] == steadyFrames, mode + ": the steady stack is the same list");
                    }
                    report.append(String.format(" %s=%.2f B/pass", mode, best));
                    // The half byte is for the measurement itself and a rare resident-set change (memory mode).
                    assertTrue(best <= SAMPLE_BYTES + 0.5, mode + ": " + best + " bytes allocated per pass, more than "
                            + "the sample value (" + SAMPLE_BYTES + ")");
                }
                System.out.printf("[alloc] %s steady 50-frame stack, %d samples per mode:%s%n", py, 2 * samples,
                        report);
            } finally {
                target.close();
            }
        });
    }

    private static RunConfig config(Mode mode) {
        return new RunConfig(SamplerOptions.defaults().withMode(mode), System::nanoTime);
    }
}
