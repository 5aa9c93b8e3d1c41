package io.austin.sampler.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Sample;
import io.austin.sampler.Pythons;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * A whole run, as the CLI makes it (the sampler's own sampling thread, its ticks, its queue): in steady state the
 * sampling thread allocates the sample value per pass and nothing else. {@link SampleAllocationTest} measures one
 * process's pass; this measures everything around it (the tick, the hand-over to the queue, the scheduling of the
 * next tick), where a method reference written in the pass once allocated an object per pass.
 */
class RunAllocationTest {
    /** What else a pass may average: a rare resident-set or thread-list change, the measurement itself. */
    private static final double SLACK_BYTES = 4;
    private static final double SAMPLE_BYTES = SampleAllocationTest.SAMPLE_BYTES;
    /** {@link SampleAllocationTest}'s steady 50-frame stack. */
    private static final String TARGET = SampleAllocationTest.TARGET;

    @Test
    void theSamplingThreadAllocatesTheSampleValuePerPassAndNothingElse() throws Exception {
        com.sun.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean b ? b : null;
        assumeTrue(bean != null && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot measure per-thread allocation");
        Pythons.Python py = Pythons.any();
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        AtomicLong deep = new AtomicLong();
        SamplerOptions options = SamplerOptions.defaults().withInterval(Duration.ofNanos(100_000))
                .withQuietChild(true);
        Disposable subscription = Sampler.spawn(List.of(py.path().toString(), "-S", "-c", TARGET), options, run::set)
                .subscribe(e -> {
                    if (e instanceof Sample s && s.frames().size() >= 50) {
                        deep.incrementAndGet();
                    }
                });
        try {
            long until = System.nanoTime() + 20_000_000_000L;
            while (deep.get() < 20_000 && System.nanoTime() < until) { // at the bottom, and warm
                Thread.sleep(20);
            }
            assertTrue(deep.get() >= 20_000, "the target reached its steady stack: " + deep.get() + " samples");
            Thread sampling = samplingThread();
            assertNotNull(sampling, "the run's sampling thread");
            long passes0 = run.get().stats().passes();
            long bytes0 = bean.getThreadAllocatedBytes(sampling.getId());
            Thread.sleep(2_000);
            long bytes = bean.getThreadAllocatedBytes(sampling.getId()) - bytes0;
            long passes = run.get().stats().passes() - passes0;
            assertTrue(passes >= 1_000, "passes in two seconds at 100 us: " + passes);
            double perPass = bytes / (double) passes;
            System.out.printf("[alloc] %s run at 100us: %d passes, %.2f B/pass on the sampling thread%n", py, passes,
                    perPass);
            assertTrue(perPass <= SAMPLE_BYTES + SLACK_BYTES, perPass + " bytes allocated per pass by the sampling "
                    + "thread, more than the sample value (" + SAMPLE_BYTES + ")");
        } finally {
            subscription.dispose();
        }
    }

    private static Thread samplingThread() {
        Thread found = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("austin-sampler") && t.isAlive()) {
                assumeTrue(found == null, "more than one run is sampling in this JVM");
                found = t;
            }
        }
        return found;
    }
}
