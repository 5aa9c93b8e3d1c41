package io.austin.converters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.profile.Metric;
import io.austin.converters.profile.Profile;
import io.austin.formats.Compat;
import io.austin.formats.Fixtures;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Aggregation into profiles, whole and windowed. */
class ProfilesTest {
    @Test
    void aggregateSumsEveryMetricOfEverySample() {
        byte[] mojo = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.full.py311.mojo"));
        List<ProfileEvent> events = Run.profileEvents(mojo, Compat.NONE).collectList().block();
        Profile p = Flux.fromIterable(events).as(Profiles.aggregate()).block();
        List<Sample> samples = events.stream().filter(e -> e instanceof Sample).map(e -> (Sample) e).toList();
        assertEquals(Mode.FULL, p.mode());
        assertEquals(List.of(Metric.CPU_TIME, Metric.WALL_TIME, Metric.ALLOCATED, Metric.DEALLOCATED), p.metrics());
        assertEquals(samples.size(), p.samples());
        assertEquals(samples.stream().mapToLong(Sample::time).sum(), p.total(1));
        assertEquals(samples.stream().filter(s -> !s.idle()).mapToLong(Sample::time).sum(), p.total(0));
        assertEquals(samples.stream().mapToLong(s -> Math.max(0, s.memory())).sum(), p.total(2));
        assertEquals(samples.stream().mapToLong(s -> Math.max(0, -s.memory())).sum(), p.total(3));
        assertEquals(2, p.threads().size());
        long cellSamples = 0;
        for (int c = 0; c < p.cells(); c++) {
            cellSamples += p.samples(c);
        }
        assertEquals(samples.size(), cellSamples);
        assertEquals("3.7.0", p.metadata("austin"));
    }

    @Test
    void windowsKeepTheModeNeverSplitASampleAndAddUpToTheWhole() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ThreadKey t = new ThreadKey(1, 0, "1");
        List<FrameRef> frames = List.of(FrameRef.of(Frame.of("a.py", "f", 1)));
        // A cpu-mode header, then one sample every 100 ms for 3.5 s, then a footer.
        Flux<ProfileEvent> run = Flux.<ProfileEvent>just(new Metadata("austin", "3.7.0"), new Metadata("mode", "cpu"))
                .concatWith(Flux.interval(Duration.ofMillis(100), vts).take(35)
                        .map(i -> Sample.timed(t, frames, 0, 100_000)))
                .concatWith(Flux.just(new Metadata("duration", "3500000")));
        StepVerifier.withVirtualTime(() -> run.transform(Profiles.windowed(Duration.ofSeconds(1), vts)), () -> vts,
                        Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(5))
                .recordWith(java.util.ArrayList::new)
                .thenConsumeWhile(p -> true)
                .consumeRecordedWith(windows -> {
                    assertEquals(4, windows.size());
                    long total = 0;
                    for (Profile p : windows) {
                        assertEquals(Mode.CPU, p.mode(), "every window keeps the run's mode");
                        assertEquals(List.of(Metric.CPU_TIME), p.metrics());
                        total += p.total(0);
                        assertEquals(p.samples() * 100_000, p.total(0), "whole samples only");
                    }
                    assertEquals(35 * 100_000, total);
                    assertTrue(windows.stream().skip(1).limit(2).allMatch(p -> p.samples() == 10), windows.toString());
                })
                .verifyComplete();
    }
}
