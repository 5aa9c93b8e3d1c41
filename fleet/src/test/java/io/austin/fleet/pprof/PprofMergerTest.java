package io.austin.fleet.pprof;

import static io.austin.fleet.pprof.PprofTestSupport.aggregate;
import static io.austin.fleet.pprof.PprofTestSupport.collapsed;
import static io.austin.fleet.pprof.PprofTestSupport.pprof;
import static io.austin.fleet.pprof.PprofTestSupport.profile;
import static io.austin.fleet.pprof.PprofTestSupport.read;
import static io.austin.fleet.pprof.PprofTestSupport.sampleLines;
import static io.austin.fleet.pprof.PprofTestSupport.samples;
import static io.austin.fleet.pprof.PprofTestSupport.stack;
import static io.austin.fleet.pprof.PprofTestSupport.valueSums;
import static io.austin.fleet.pprof.PprofTestSupport.windows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.pprof.proto.Label;
import io.austin.converters.pprof.proto.Profile;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Merging pprof profiles: totals, combining by content, the count type, labels, filters and rejections. */
class PprofMergerTest {
    private static final ThreadKey MAIN = ThreadKey.of(7, 0, 7);
    private static final ThreadKey OTHER = ThreadKey.of(7, 0, 8);

    static Stream<String> fixtures() {
        return PprofTestSupport.fixtures();
    }

    /** The totals of a merged profile without its count. */
    private static long[] own(long[] totals) {
        return Arrays.copyOfRange(totals, 1, totals.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void oneProfileKeepsItsTotalsWithACountOfItsSamples(String fixture) {
        List<ProfileEvent> events = read(fixture);
        byte[] pprof = pprof(events);
        PprofMerger merger = PprofMerger.of(List.of(pprof));
        long[] totals = merger.totals();
        assertEquals(samples(events).size(), totals[0], "one count per Austin sample");
        assertArrayEquals(valueSums(pprof), own(totals));
        assertEquals("samples/count", merger.sampleTypes().get(0));
        assertEquals(totals.length, merger.sampleTypes().size());
        assertTrue(merger.sampleCount() <= samples(events).size());
        assertArrayEquals(totals, valueSums(merger.toBytes(false)), "the bytes carry the totals");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void mergingAProfileWithItselfDoublesEveryTotal(String fixture) {
        byte[] pprof = pprof(read(fixture));
        PprofMerger once = PprofMerger.of(List.of(pprof));
        PprofMerger twice = PprofMerger.of(List.of(pprof, pprof));
        assertArrayEquals(Arrays.stream(once.totals()).map(v -> 2 * v).toArray(), twice.totals());
        assertEquals(once.sampleCount(), twice.sampleCount());
        assertEquals(once.sampleTypes(), twice.sampleTypes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void windowsOfARecordingMergeToTheWholeRecording(String fixture) {
        List<ProfileEvent> events = read(fixture);
        List<byte[]> parts = windows(events, 3).stream().map(PprofTestSupport::pprof).toList();
        PprofMerger merged = PprofMerger.of(parts);
        PprofMerger whole = PprofMerger.of(List.of(pprof(events)));
        assertArrayEquals(whole.totals(), merged.totals());
        assertEquals(whole.sampleTypes(), merged.sampleTypes());
        assertEquals(whole.sampleCount(), merged.sampleCount());
        String mergedText = collapsed(PprofEvents.events(merged.toBytes(true)));
        String wholeText = collapsed(PprofEvents.events(whole.toBytes(false)));
        assertEquals(sampleLines(wholeText), sampleLines(mergedText), "the same combined samples");
        assertEquals(aggregate(collapsed(events)), aggregate(mergedText), "the recording's sums per stack");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void mergingIsAssociativeThroughTheCountType(String fixture) {
        List<byte[]> w = windows(read(fixture), 3).stream().map(PprofTestSupport::pprof).toList();
        PprofMerger flat = PprofMerger.of(w);
        byte[] ab = PprofMerger.of(List.of(w.get(0), w.get(1))).toBytes(true);
        PprofMerger nestedLeft = PprofMerger.of(List.of(ab, w.get(2)));
        byte[] bc = PprofMerger.of(List.of(w.get(1), w.get(2))).toBytes(false);
        PprofMerger nestedRight = PprofMerger.of(List.of(w.get(0), bc));
        for (PprofMerger nested : List.of(nestedLeft, nestedRight)) {
            assertArrayEquals(flat.totals(), nested.totals());
            assertEquals(flat.sampleTypes(), nested.sampleTypes());
            assertEquals(flat.sampleCount(), nested.sampleCount());
            assertEquals(sampleLines(collapsed(PprofEvents.events(flat.toBytes(false)))),
                    sampleLines(collapsed(PprofEvents.events(nested.toBytes(false)))));
        }
        assertArrayEquals(flat.toBytes(false), nestedLeft.toBytes(false), "the same message, byte for byte");
    }

    @Test
    void hostLabelsSeparateAndFilterSelects() {
        byte[] a = pprof(read("v3/two_threads.wall.py311.mojo"));
        byte[] b = pprof(read("v3/two_threads.wall.py313.mojo"), PprofOptions.defaults().withGzip(true));
        PprofMerger merger = new PprofMerger();
        merger.add(a, Map.of("service", "shop", "host", "a"));
        merger.add(b, Map.of("service", "shop", "host", "b"));
        PprofMerger onlyA = PprofMerger.of(List.of(a));
        PprofMerger onlyB = PprofMerger.of(List.of(b));
        assertEquals(onlyA.sampleCount() + onlyB.sampleCount(), merger.sampleCount(), "hosts are never combined");

        PprofMerger hostA = merger.filter(Map.of("host", "a"));
        assertArrayEquals(onlyA.totals(), hostA.totals());
        assertEquals(onlyA.sampleCount(), hostA.sampleCount());
        byte[] hostB = PprofMerger.filter(merger.toBytes(true), Map.of("host", "b", "service", "shop"));
        assertTrue(PprofCodec.isGzip(hostB), "compressed in, compressed out");
        assertArrayEquals(onlyB.totals(), PprofMerger.of(List.of(hostB)).totals());
        assertArrayEquals(merger.totals(), merger.filter(Map.of("service", "shop")).totals());
        assertTrue(merger.filter(Map.of("host", "c")).isEmpty());
        assertTrue(merger.filter(Map.of("host", "a", "service", "other")).isEmpty());

        Profile p = PprofCodec.decode(merger.toBytes(false));
        for (var s : p.getSampleList()) {
            Map<String, String> labels = labels(p, s.getLabelList());
            assertEquals("shop", labels.get("service"));
            assertTrue(labels.containsKey("Thread ID") && labels.containsKey("Process ID"), labels.toString());
        }
        assertEquals("", p.getStringTable(0));
    }

    @Test
    void filterByASampleOwnLabel() {
        List<ProfileEvent> events = profile("wall",
                Sample.timed(MAIN, stack("main", "f"), 0, 10),
                Sample.timed(OTHER, stack("main", "f"), 0, 20),
                Sample.timed(ThreadKey.of(9, 0, 9), stack("main"), 0, 40));
        byte[] pprof = pprof(events);
        assertArrayEquals(new long[] {2, 30}, valueSums(PprofMerger.filter(pprof, Map.of("Process ID", "7"))));
        assertArrayEquals(new long[] {1, 20}, valueSums(PprofMerger.filter(pprof, Map.of("Thread ID", "0:8"))));
        assertArrayEquals(new long[] {3, 70}, valueSums(PprofMerger.filter(pprof, Map.of())));
    }

    @Test
    void anExtraLabelReplacesTheSampleLabelOfTheSameKey() {
        byte[] pprof = pprof(profile("wall", Sample.timed(MAIN, stack("main"), 0, 10),
                Sample.timed(ThreadKey.of(9, 0, 7), stack("main"), 0, 5)));
        PprofMerger merger = new PprofMerger();
        merger.add(pprof, Map.of("Process ID", "42"));
        assertEquals(1, merger.sampleCount(), "both processes are now 42: one stack, one label set");
        Profile p = PprofCodec.decode(merger.toBytes(false));
        assertEquals(Map.of("Process ID", "42", "Thread ID", "0:7"), labels(p, p.getSample(0).getLabelList()));
        assertEquals(List.of(2L, 15L), p.getSample(0).getValueList());
    }

    @Test
    void stacksAreComparedByContentNotByIds() {
        Sample deep = Sample.timed(MAIN, stack("main", "work", "leaf"), 0, 10);
        Sample shallow = Sample.timed(MAIN, stack("main", "idle"), 0, 20);
        byte[] first = pprof(profile("wall", deep, shallow));
        byte[] second = pprof(profile("wall", Sample.timed(MAIN, stack("main", "idle"), 0, 5),
                Sample.timed(MAIN, stack("main", "work", "leaf"), 0, 7),
                Sample.timed(OTHER, stack("main", "work", "leaf"), 0, 1)));
        Profile p = PprofCodec.decode(second);
        assertTrue(p.getSample(1).getLocationId(0) != PprofCodec.decode(first).getSample(0).getLocationId(0),
                "the same leaf has other ids in the two profiles");
        PprofMerger merger = PprofMerger.of(List.of(first, second));
        assertEquals(3, merger.sampleCount(), "two stacks of one thread and one of another");
        assertArrayEquals(new long[] {5, 43}, merger.totals());
        assertEquals(List.of("P7;T0:7;/app/x.py:main:1;/app/x.py:idle:2 25",
                "P7;T0:7;/app/x.py:main:1;/app/x.py:work:2;/app/x.py:leaf:3 17",
                "P7;T0:8;/app/x.py:main:1;/app/x.py:work:2;/app/x.py:leaf:3 1"),
                sampleLines(collapsed(PprofEvents.events(merger.toBytes(false)))));
        Profile merged = PprofCodec.decode(merger.toBytes(false));
        assertEquals(4, merged.getLocationCount(), "main, work, leaf and idle, once each");
        assertEquals(4, merged.getFunctionCount());
    }

    @Test
    void mismatchedSampleTypesAreRejected() {
        byte[] wall = pprof(read("v3/two_threads.wall.py311.mojo"));
        byte[] cpu = pprof(read("v3/two_threads.cpu.py311.mojo"));
        byte[] memory = pprof(read("v3/mem_alloc.memory.py311.mojo"));
        byte[] full = pprof(read("v3/two_threads.full.py311.mojo"));
        PprofMerger merger = PprofMerger.of(List.of(wall));
        long[] before = merger.totals();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> merger.add(cpu, Map.of()));
        assertTrue(x.getMessage().contains("Wall time") && x.getMessage().contains("CPU time"), x.getMessage());
        assertArrayEquals(before, merger.totals(), "nothing added");
        assertThrows(IllegalArgumentException.class, () -> PprofMerger.of(List.of(memory, full)));
        assertThrows(IllegalArgumentException.class, () -> PprofMerger.of(List.of(full, wall)));
        byte[] mergedCpu = PprofMerger.of(List.of(cpu)).toBytes(false);
        assertThrows(IllegalArgumentException.class, () -> merger.add(mergedCpu));
        merger.add(PprofMerger.of(List.of(wall)).toBytes(true));
        assertArrayEquals(Arrays.stream(before).map(v -> 2 * v).toArray(), merger.totals(), "a merged wall is fine");
    }

    @Test
    void malformedInputIsRejectedWithoutChange() {
        byte[] wall = pprof(read("v3/two_threads.wall.py311.mojo"));
        PprofMerger merger = PprofMerger.of(List.of(wall));
        long[] before = merger.totals();
        assertThrows(IllegalArgumentException.class, () -> merger.add(new byte[] {1, 2, 3, 4, 5}));
        assertThrows(IllegalArgumentException.class, () -> merger.add(new byte[] {0x1f, (byte) 0x8b, 0, 0}));
        Profile p = PprofCodec.decode(wall);
        Profile dangling = p.toBuilder().addSample(p.getSample(0).toBuilder().addLocationId(99_999)).build();
        assertThrows(IllegalArgumentException.class, () -> merger.add(dangling.toByteArray()));
        Profile extraValue = p.toBuilder().setSample(3, p.getSample(3).toBuilder().addValue(1)).build();
        assertThrows(IllegalArgumentException.class, () -> merger.add(extraValue.toByteArray()));
        assertArrayEquals(before, merger.totals());
    }

    @Test
    void timeSpansAndDurations() {
        Profile p = PprofCodec.decode(pprof(profile("wall", Sample.timed(MAIN, stack("main"), 0, 10))));
        byte[] early = p.toBuilder().setTimeNanos(1_000).setDurationNanos(500).build().toByteArray();
        byte[] late = p.toBuilder().setTimeNanos(1_200).setDurationNanos(1_000).build().toByteArray();
        Profile spanned = PprofCodec.decode(PprofMerger.of(List.of(late, early)).toBytes(false));
        assertEquals(1_000, spanned.getTimeNanos());
        assertEquals(1_200, spanned.getDurationNanos(), "from the first start to the last end");

        byte[] three = p.toBuilder().setDurationNanos(3).build().toByteArray();
        byte[] four = p.toBuilder().setDurationNanos(4).build().toByteArray();
        Profile summed = PprofCodec.decode(PprofMerger.of(List.of(three, four)).toBytes(false));
        assertEquals(0, summed.getTimeNanos());
        assertEquals(7, summed.getDurationNanos(), "without starts, durations add up");

        PprofMerger windows = PprofMerger.of(List.of(p.toByteArray()));
        windows.addTimeSpan(60_000_000_000L, 10_000_000_000L);
        windows.addTimeSpan(70_000_000_000L, 10_000_000_000L);
        Profile minute = PprofCodec.decode(windows.toBytes(false));
        assertEquals(60_000_000_000L, minute.getTimeNanos());
        assertEquals(20_000_000_000L, minute.getDurationNanos());
        Profile again = PprofCodec.decode(PprofMerger.of(List.of(windows.toBytes(true))).toBytes(false));
        assertEquals(minute.getTimeNanos(), again.getTimeNanos());
        assertEquals(minute.getDurationNanos(), again.getDurationNanos());
    }

    @Test
    void periodAndDefaultSampleTypeAreKept() {
        byte[] full = pprof(read("v3/two_threads.full.py311.mojo"));
        Profile p = PprofCodec.decode(full);
        Profile merged = PprofCodec.decode(PprofMerger.of(List.of(full, full)).toBytes(false));
        assertEquals("Wall time", merged.getStringTable((int) merged.getDefaultSampleType()));
        assertEquals(p.getStringTable((int) p.getDefaultSampleType()),
                merged.getStringTable((int) merged.getDefaultSampleType()));
        List<String> strings = new ArrayList<>(p.getStringTableList());
        int unit = strings.indexOf("\u03bcs");
        Profile periodic = p.toBuilder().setPeriodType(p.getSampleType(1)).setPeriod(2_000).build();
        Profile kept = PprofCodec.decode(PprofMerger.of(List.of(periodic.toByteArray())).toBytes(false));
        assertEquals(2_000, kept.getPeriod());
        assertEquals("Wall time", kept.getStringTable((int) kept.getPeriodType().getType()));
        assertEquals(strings.get(unit), kept.getStringTable((int) kept.getPeriodType().getUnit()));
    }

    @Test
    void anEmptyMergerAndEmptyProfiles() {
        PprofMerger empty = new PprofMerger();
        assertTrue(empty.isEmpty());
        assertEquals(List.of(), empty.sampleTypes());
        assertEquals(0, empty.totals().length);
        byte[] bytes = empty.toBytes(false);
        assertEquals(List.of(""), PprofCodec.decode(bytes).getStringTableList());
        assertEquals(List.of(), PprofEvents.events(bytes));
        byte[] wall = pprof(read("v3/two_threads.wall.py311.mojo"));
        byte[] cpu = pprof(read("v3/two_threads.cpu.py311.mojo"));
        PprofMerger merger = PprofMerger.of(List.of(bytes, empty.toBytes(true), wall));
        assertArrayEquals(PprofMerger.of(List.of(wall)).totals(), merger.totals(), "empty inputs add nothing");
        byte[] noSamples = pprof(profile("cpu"));
        assertEquals(List.of("CPU time/\u03bcs"), PprofMerger.of(List.of(noSamples)).sampleTypes().subList(1, 2));
        assertThrows(IllegalArgumentException.class, () -> merger.add(noSamples), "its types still differ");
        assertArrayEquals(PprofMerger.of(List.of(cpu)).totals(), PprofMerger.of(List.of(noSamples, cpu)).totals());
    }

    @Test
    void memoryGrowsWithStacksNotSamples() {
        List<ProfileEvent> events = new ArrayList<>();
        events.add(new Metadata("mode", "wall"));
        for (int i = 0; i < 10_000; i++) {
            events.add(Sample.timed(i % 2 == 0 ? MAIN : OTHER, stack("main", "f" + i % 5), 0, i));
        }
        byte[] pprof = pprof(events);
        PprofMerger merger = new PprofMerger();
        for (int i = 0; i < 20; i++) {
            merger.add(pprof, Map.of("host", "h" + i % 2));
        }
        assertEquals(2 * 2 * 5, merger.sampleCount(), "threads x stacks x hosts");
        assertEquals(200_000, merger.totals()[0]);
        assertTrue(merger.toBytes(false).length < pprof.length / 10);
    }

    private static Map<String, String> labels(Profile p, List<Label> labels) {
        Map<String, String> out = new HashMap<>();
        for (Label l : labels) {
            out.put(p.getStringTable((int) l.getKey()), p.getStringTable((int) l.getStr()));
        }
        return out;
    }
}
