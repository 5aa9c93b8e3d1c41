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

    private static Sample sample(ThreadKey t, long time, String... scopes) {
        List<FrameRef> frames = new java.util.ArrayList<>();
        for (int i = 0; i < scopes.length; i++) {
            frames.add(FrameRef.of(Frame.of("m.py", scopes[i], 10 + i)));
        }
        return Sample.timed(t, frames, 0, time);
    }

    @Test
    void filterKeepsTheStacksThroughAFunctionAndEveryMetadata() {
        ThreadKey t = new ThreadKey(1, 0, "1");
        List<ProfileEvent> out = Flux.<ProfileEvent>just(new Metadata("mode", "wall"), sample(t, 5, "main", "a"),
                sample(t, 7, "main", "b", "a"), sample(t, 11, "main", "c"), new Metadata("duration", "23"))
                .transform(Profiles.filter(Profiles.through(f -> f.scope().equals("a"))))
                .collectList().block();
        assertEquals(4, out.size(), out.toString());
        assertEquals(new Metadata("mode", "wall"), out.get(0));
        assertEquals(12, out.stream().filter(e -> e instanceof Sample).mapToLong(e -> ((Sample) e).time()).sum());
        assertEquals(new Metadata("duration", "23"), out.get(3));
    }

    /** Each group is a profile of its own: the header first, its samples only, the footer at the end. */
    @Test
    void splitGivesEveryGroupTheHeaderItsSamplesAndTheFooter() {
        ThreadKey t1 = new ThreadKey(1, 0, "1");
        ThreadKey t2 = new ThreadKey(1, 0, "2");
        ThreadKey t3 = new ThreadKey(2, 0, "3");
        Flux<ProfileEvent> run = Flux.just(new Metadata("austin", "3.7.0"), new Metadata("mode", "cpu"),
                sample(t1, 1, "a"), sample(t2, 2, "b"), sample(t1, 4, "a", "c"), sample(t3, 8, "d"),
                new Metadata("duration", "15"));
        java.util.Map<Long, List<ProfileEvent>> byPid = run.transform(Profiles.split(s -> s.thread().pid()))
                .flatMap(g -> g.collectList().map(l -> java.util.Map.entry(g.key(), l)), Integer.MAX_VALUE)
                .collectMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue).block();
        assertEquals(java.util.Set.of(1L, 2L), byPid.keySet());
        List<ProfileEvent> one = byPid.get(1L);
        assertEquals(List.of(new Metadata("austin", "3.7.0"), new Metadata("mode", "cpu")), one.subList(0, 2));
        assertEquals(new Metadata("duration", "15"), one.get(one.size() - 1));
        assertEquals(3, one.stream().filter(e -> e instanceof Sample).count());
        assertEquals(List.of(new Metadata("austin", "3.7.0"), new Metadata("mode", "cpu"), sample(t3, 8, "d"),
                new Metadata("duration", "15")), byPid.get(2L));
        Profile p2 = Flux.fromIterable(byPid.get(2L)).as(Profiles.aggregate()).block();
        assertEquals(Mode.CPU, p2.mode(), "a group converts like a profile of its own");
        assertEquals(8, p2.total(0));

        // Per thread, on a real file: the groups' samples add up to the whole.
        byte[] mojo = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.wall.py311.mojo"));
        Profile whole = Run.profileEvents(mojo, Compat.NONE).as(Profiles.aggregate()).block();
        List<Profile> threads = Run.profileEvents(mojo, Compat.NONE).transform(Profiles.split(Sample::thread))
                .flatMap(g -> g.as(Profiles.aggregate()), Integer.MAX_VALUE).collectList().block();
        assertEquals(2, threads.size());
        assertEquals(whole.total(0), threads.stream().mapToLong(p -> p.total(0)).sum());
        assertTrue(threads.stream().allMatch(p -> p.threads().size() == 1 && p.mode() == Mode.WALL));
    }

    /**
     * Own and inclusive values per function: lines of one function merge, recursion counts once in the inclusive
     * value, markers are no function but their time stays in the total.
     */
    @Test
    void functionStatsCountOwnAndInclusiveValues() {
        ThreadKey t = new ThreadKey(1, 0, "1");
        List<FrameRef> recursive = List.of(FrameRef.of(Frame.of("m.py", "main", 1)),
                FrameRef.of(Frame.of("m.py", "fib", 7)), FrameRef.of(Frame.of("m.py", "fib", 8)),
                FrameRef.of(Frame.of("m.py", "fib", 8)));
        Profile p = Flux.<ProfileEvent>just(new Metadata("mode", "wall"), sample(t, 5, "main", "a"),
                        Sample.timed(t, recursive, 0, 20), Sample.timed(t, recursive, 0, 20),
                        sample(t, 3, "main"), Sample.timed(t, List.of(), Sample.INVALID, 2))
                .as(Profiles.aggregate()).block();
        List<io.austin.converters.top.FunctionStats> stats = io.austin.converters.top.FunctionStats.of(p, 0);
        assertEquals(List.of("fib", "a", "main"), stats.stream().map(io.austin.converters.top.FunctionStats::scope)
                .toList());
        io.austin.converters.top.FunctionStats fib = stats.get(0);
        assertEquals(40, fib.self());
        assertEquals(40, fib.total(), "a recursive function's samples count once");
        assertEquals(2, fib.totalSamples());
        assertEquals(7, fib.line(), "the lowest line sampled in it");
        assertEquals("m.py:7", fib.where());
        io.austin.converters.top.FunctionStats main = stats.get(2);
        assertEquals(3, main.self());
        assertEquals(48, main.total());
        assertEquals(50, p.total(0), "the invalid sample's time stays in the total");
        assertEquals(96.0, main.totalPercent(p.total(0)), 1e-9);
        assertEquals(List.of("fib", "a"), io.austin.converters.top.FunctionStats.top(p, 0, 2).stream()
                .map(io.austin.converters.top.FunctionStats::scope).toList());
    }
}
