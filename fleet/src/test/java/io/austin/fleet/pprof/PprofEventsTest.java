package io.austin.fleet.pprof;

import static io.austin.fleet.pprof.PprofTestSupport.aggregate;
import static io.austin.fleet.pprof.PprofTestSupport.collapsed;
import static io.austin.fleet.pprof.PprofTestSupport.header;
import static io.austin.fleet.pprof.PprofTestSupport.join;
import static io.austin.fleet.pprof.PprofTestSupport.pprof;
import static io.austin.fleet.pprof.PprofTestSupport.profile;
import static io.austin.fleet.pprof.PprofTestSupport.read;
import static io.austin.fleet.pprof.PprofTestSupport.sampleLines;
import static io.austin.fleet.pprof.PprofTestSupport.samples;
import static io.austin.fleet.pprof.PprofTestSupport.stack;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.Conversions;
import io.austin.converters.html.HtmlOptions;
import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.pprof.proto.ValueType;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.formats.Compat;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

/** pprof back to events: round trips through collapsed text, threads, markers, combined samples, rendering. */
class PprofEventsTest {
    private static final ThreadKey MAIN = ThreadKey.of(7, 0, 7);

    static Stream<String> fixtures() {
        return PprofTestSupport.fixtures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void recordingToPprofAndBackKeepsEveryStackSum(String fixture) {
        List<ProfileEvent> events = read(fixture);
        List<ProfileEvent> back = PprofEvents.events(pprof(events));
        assertEquals(aggregate(collapsed(events)), aggregate(collapsed(back)));
        assertEquals(samples(events).size(), samples(back).size(), "one sample per uncombined pprof sample");
        assertEquals(modeOf(events), modeOf(back));
        assertEquals(threads(events), threads(back), "the same thread keys, pid, iid and MOJO tid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void aMergedProfileRendersWithTheConverters(String fixture) {
        byte[] one = pprof(read(fixture), PprofOptions.defaults().withGzip(true));
        PprofMerger merged = PprofMerger.of(List.of(one, one));
        List<ProfileEvent> events = PprofEvents.events(merged.toBytes(true));

        String json = new String(join(Flux.fromIterable(events).transform(
                Conversions.toSpeedscope(SpeedscopeOptions.defaults()))), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{") && json.contains("speedscope"), "a speedscope document");
        String html = new String(join(Flux.fromIterable(events).transform(Conversions.toHtml(HtmlOptions.defaults()))),
                StandardCharsets.UTF_8);
        assertTrue(html.contains("<html"), "an HTML page");
        assertFalse(collapsed(events).isEmpty());

        // The events' values are the merged ones: written as pprof again, every total but the count is the same.
        long[] again = PprofMerger.of(List.of(pprof(events))).totals();
        long[] totals = merged.totals();
        assertArrayEquals(Arrays.copyOfRange(totals, 1, totals.length), Arrays.copyOfRange(again, 1, again.length));
        Map<String, List<Long>> doubled = aggregate(collapsed(read(fixture)));
        doubled.replaceAll((k, v) -> v.stream().map(x -> 2 * x).toList());
        assertEquals(doubled, aggregate(collapsed(events)));
    }

    @Test
    void aCombinedSampleIsOneSampleWithTheSummedValues() {
        byte[] pprof = pprof(profile("wall", Sample.timed(MAIN, stack("main", "f"), 0, 10),
                Sample.timed(MAIN, stack("main", "f"), 0, 20), Sample.timed(MAIN, stack("main", "f"), 0, 30)));
        List<ProfileEvent> events = PprofEvents.events(PprofMerger.of(List.of(pprof)).toBytes(false));
        assertEquals(List.of(new Metadata("mode", "wall"), Sample.timed(MAIN, stack("main", "f"), 0, 60)), events);
    }

    @Test
    void combinedValuesOneSampleCannotHoldBecomeTwo() {
        List<FrameRef> f = stack("main", "f");
        int full = Sample.TIME | Sample.MEMORY;
        byte[] fullPprof = pprof(profile("full", new Sample(MAIN, f, full, 100, 4096),
                new Sample(MAIN, f, full | Sample.IDLE, 30, -100)));
        List<Sample> fullBack = samples(PprofEvents.events(PprofMerger.of(List.of(fullPprof)).toBytes(false)));
        assertEquals(List.of(new Sample(MAIN, f, full, 100, 4096), new Sample(MAIN, f, full | Sample.IDLE, 30, -100)),
                fullBack, "running CPU time with the allocation, idle time with the deallocation");

        byte[] runningOnly = pprof(profile("full", new Sample(MAIN, f, full, 100, 50),
                new Sample(MAIN, f, full, 5, 7)));
        assertEquals(List.of(new Sample(MAIN, f, full, 105, 57)),
                samples(PprofEvents.events(PprofMerger.of(List.of(runningOnly)).toBytes(false))));

        byte[] memory = pprof(profile("memory", new Sample(MAIN, f, Sample.MEMORY, 0, 300),
                new Sample(MAIN, f, Sample.MEMORY, 0, -200), new Sample(MAIN, f, Sample.MEMORY, 0, 50)));
        assertEquals(List.of(new Sample(MAIN, f, Sample.MEMORY, 0, 350), new Sample(MAIN, f, Sample.MEMORY, 0, -200)),
                samples(PprofEvents.events(PprofMerger.of(List.of(memory)).toBytes(false))));
    }

    @Test
    void markersKernelFramesAndNamedThreads() {
        List<ProfileEvent> events = read("synthetic/edge_wall.v3.mojo");
        List<Sample> back = samples(PprofEvents.events(pprof(events)));
        assertEquals(samples(events).stream().map(PprofEventsTest::withoutKeys).toList(), back,
                "the same samples, but for frame keys and columns, which pprof does not carry");
        assertTrue(back.stream().anyMatch(s -> s.invalid() && s.gc()), "an :INVALID: ... :GC: sample");
        assertTrue(back.stream().anyMatch(s -> s.gc() && s.frames().isEmpty()), "a :GC: only sample");
        assertTrue(back.stream().anyMatch(s -> s.frames().stream().anyMatch(FrameRef::isKernel)), "a kernel frame");
        assertTrue(back.stream().anyMatch(s -> s.thread().tid().equals("worker-1")), "a named thread");
        assertTrue(back.stream().anyMatch(s -> s.thread().iid() == 1), "a sub-interpreter");
        assertTrue(back.stream().noneMatch(s -> s.frames().stream()
                .anyMatch(r -> r.frame().scope().startsWith(":"))), "no pseudo-frame left");
    }

    @Test
    void theHeaderHasTheModeIntervalAndTheFooterTheDuration() {
        Profile p = PprofCodec.decode(pprof(read("v3/sleeper.cpu.py311.mojo")));
        int nanos = p.getStringTableCount();
        Profile timed = p.toBuilder().addStringTable("nanoseconds")
                .setPeriodType(ValueType.newBuilder().setType(p.getSampleType(0).getType()).setUnit(nanos))
                .setPeriod(2_000_000).setTimeNanos(1_700_000_000_000_000_000L).setDurationNanos(245_148_000).build();
        List<ProfileEvent> events = PprofEvents.events(timed.toByteArray());
        assertEquals(List.of(new Metadata("mode", "cpu"), new Metadata("interval", "2000")), header(events));
        assertEquals(new Metadata("duration", "245148"), events.get(events.size() - 1));
        assertEquals(List.of(new Metadata("mode", "cpu")), header(PprofEvents.events(p.toByteArray())));
    }

    @Test
    void threadLabelsAreInvertedAsTheTextReaderReadsThreads() {
        assertEquals(new ThreadKey(12, 0, "5810"), PprofEvents.threadKey("12", "0:22544", null));
        assertEquals(new ThreadKey(12, 3, "worker-1"), PprofEvents.threadKey("12", "3:worker-1", null));
        assertEquals(new ThreadKey(12, ThreadKey.NO_IID, "5810"), PprofEvents.threadKey("12", "22544", null));
        assertEquals(new ThreadKey(12, 1, "5810"), PprofEvents.threadKey("12", "22544", "1"), "austin-python 2.2");
        assertEquals(new ThreadKey(12, 0, "007"), PprofEvents.threadKey("12", "0:007", null), "not canonical");
        assertEquals(new ThreadKey(0, ThreadKey.NO_IID, "0"), PprofEvents.threadKey(null, null, null));
        for (ThreadKey k : List.of(ThreadKey.of(5, 0, 0x7f3a12345678L), new ThreadKey(5, 2, "main"),
                ThreadKey.of(5, ThreadKey.NO_IID, 99))) {
            assertEquals(k, PprofEvents.threadKey(Long.toString(k.pid()), k.textName(), null), k.textName());
        }
    }

    @Test
    void austinPython22LabelsAreRead() {
        List<ProfileEvent> events = read("v3/two_threads.wall.py311.mojo");
        byte[] reference = pprof(events, PprofOptions.defaults().withCompat(Compat.AUSTIN_PYTHON_2_2));
        assertEquals(threads(events), threads(PprofEvents.events(reference)));
    }

    @Test
    void profilesOfNoAustinModeAreRejected() {
        Profile p = PprofCodec.decode(pprof(read("v3/sleeper.cpu.py311.mojo")));
        int alloc = p.getStringTableCount();
        Profile go = p.toBuilder().addStringTable("alloc_space").setSampleType(0, p.getSampleType(0).toBuilder()
                .setType(alloc)).build();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> PprofEvents.events(go.toByteArray()));
        assertTrue(x.getMessage().contains("alloc_space"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PprofEvents.events(new byte[] {9, 9, 9}));
    }

    private static Sample withoutKeys(Sample s) {
        List<FrameRef> frames = s.frames().stream().map(r -> r.isKernel() ? FrameRef.kernel(r.frame().scope())
                : FrameRef.of(Frame.of(r.frame().file(), r.frame().scope(), r.frame().line()))).toList();
        return new Sample(s.thread(), frames, s.flags(), s.time(), s.memory());
    }

    private static String modeOf(List<ProfileEvent> events) {
        return header(events).stream().map(e -> (Metadata) e).filter(m -> m.key().equals("mode"))
                .map(Metadata::value).findFirst().orElse(null);
    }

    private static Set<ThreadKey> threads(List<ProfileEvent> events) {
        return samples(events).stream().map(Sample::thread).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
