package io.austin.converters;

import io.austin.formats.Fixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.pprof.proto.Sample;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.formats.MemoryMetric;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEvents;
import io.austin.formats.StackHeader;
import io.austin.formats.TimeMetric;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Without compat nothing is lost: the samples the reference drops are all there. */
class DefaultModeTest {

    static Stream<Path> mojoFixtures() {
        return CompatGoldenTest.mojoFixtures();
    }

    private static List<StackEvent> events(byte[] mojo) {
        return StackEvents.read(() -> new ByteArrayInputStream(mojo)).collectList().block();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mojoFixtures")
    void pprofHasEverySampleAndEveryMicrosecond(Path mojo) throws Exception {
        byte[] in = Fixtures.bytes(mojo);
        List<StackEvent> events = events(in);
        long stacks = events.stream().filter(e -> e instanceof StackHeader).count();
        long time = events.stream().filter(e -> e instanceof TimeMetric).mapToLong(e -> ((TimeMetric) e).value())
                .sum();
        long memory = events.stream().filter(e -> e instanceof MemoryMetric)
                .mapToLong(e -> ((MemoryMetric) e).value()).sum();
        Profile ours = Profile.parseFrom(Run.pprof(in, PprofOptions.defaults()));
        Profile reference = Profile.parseFrom(Fixtures.bytes(sibling(mojo, ".pprof")));
        assertEquals(stacks, ours.getSampleCount(), "one pprof sample per MOJO sample");
        assertTrue(reference.getSampleCount() < ours.getSampleCount(), "the reference loses at least the first");
        String mode = typeName(ours, 0);
        if (mode.equals("Allocated memory")) {
            long net = ours.getSampleList().stream().mapToLong(s -> s.getValue(0) - s.getValue(1)).sum();
            assertEquals(memory, net, "allocated minus deallocated is the net memory delta");
            assertTrue(ours.getSampleList().stream().allMatch(s -> s.getValueCount() == 2));
        } else {
            int wall = ours.getSampleTypeCount() == 4 ? 1 : 0;
            assertEquals(time, ours.getSampleList().stream().mapToLong(s -> s.getValue(wall)).sum());
        }
    }

    @Test
    void firstSampleOfMojoIsKept() throws Exception {
        Path mojo = Fixtures.root().resolve("v3/cpu_recursion.wall.py311.mojo");
        byte[] in = Fixtures.bytes(mojo);
        Profile ours = Profile.parseFrom(Run.pprof(in, PprofOptions.defaults()));
        Profile reference = Profile.parseFrom(Fixtures.bytes(sibling(mojo, ".pprof")));
        assertEquals(105, ours.getSampleCount());
        assertEquals(104, reference.getSampleCount());
        // Ours minus the first is the reference, sample by sample (ids aside: compare the values).
        for (int i = 0; i < reference.getSampleCount(); i++) {
            assertEquals(reference.getSample(i).getValueList(), ours.getSample(i + 1).getValueList());
        }
        String first = new String(Run.speedscope(in, SpeedscopeOptions.defaults()), StandardCharsets.UTF_8);
        String ref = new String(Fixtures.bytes(sibling(mojo, ".speedscope.json")), StandardCharsets.UTF_8);
        assertEquals(countSamples(ref) + 3, countSamples(first), "first sample and the frameless ones are kept");
    }

    @Test
    void gcSamplesAreKeptWithAGcFrame() throws Exception {
        Path mojo = Fixtures.root().resolve("v3/gc_heavy.gc.py311.mojo");
        byte[] in = Fixtures.bytes(mojo);
        Profile ours = Profile.parseFrom(Run.pprof(in, PprofOptions.defaults()));
        assertEquals(159, ours.getSampleCount());
        long gcFunction = ours.getFunctionList().stream()
                .filter(f -> ours.getStringTable((int) f.getName()).equals(":GC:")).findFirst().orElseThrow()
                .getId();
        long gcLocation = ours.getLocationList().stream()
                .filter(l -> l.getLine(0).getFunctionId() == gcFunction).findFirst().orElseThrow().getId();
        long gcSamples = ours.getSampleList().stream().filter(s -> s.getLocationIdCount() > 0)
                .filter(s -> s.getLocationId(0) == gcLocation).count();
        assertEquals(96, gcSamples, "every GC sample, the GC frame as leaf");
        String json = new String(Run.speedscope(in, SpeedscopeOptions.defaults()), StandardCharsets.UTF_8);
        assertTrue(json.contains("{\"name\": \":GC:\", \"file\": \"\", \"line\": 0}"), json);
        assertEquals(159, countSamples(json));
    }

    @Test
    void invalidAndKernelFramesAndFramelessSamples() throws Exception {
        byte[] in = Fixtures.bytes(Fixtures.root().resolve("synthetic/edge_wall.v3.mojo"));
        Profile ours = Profile.parseFrom(Run.pprof(in, PprofOptions.defaults()));
        assertEquals(9, ours.getSampleCount());
        List<String> names = new ArrayList<>();
        ours.getFunctionList().forEach(f -> names.add(ours.getStringTable((int) f.getName())));
        assertTrue(names.containsAll(List.of(":INVALID:", ":GC:", "do_syscall_64")), names.toString());
        String json = new String(Run.speedscope(in, SpeedscopeOptions.defaults()), StandardCharsets.UTF_8);
        assertEquals(9, countSamples(json));
        assertTrue(json.contains("[]"), "frameless samples are empty stacks: " + json);
        // Legacy rewrite of ';L<digits>' is a reader quirk: the real file name survives.
        assertTrue(json.contains("\"file\": \"L2/legacy.py\""), json);
        assertTrue(json.contains("\"exporter\": \"Austin for the JVM speedscope converter\""));
    }

    @Test
    void memoryDeltasSplitIntoAllocationAndDeallocation() throws Exception {
        byte[] in = Fixtures.bytes(Fixtures.root().resolve("v3/mem_alloc.memory.py311.mojo"));
        String json = new String(Run.speedscope(in, SpeedscopeOptions.defaults()), StandardCharsets.UTF_8);
        assertTrue(json.contains("Memory allocation profile for"));
        assertTrue(json.contains("Memory deallocation profile for"));
        assertFalse(weights(json).stream().anyMatch(w -> w < 0), "no negative weights");
        String ref = new String(Fixtures.bytes(Fixtures.root().resolve("v3/mem_alloc.memory.py311.speedscope.json")),
                StandardCharsets.UTF_8);
        assertTrue(weights(ref).stream().anyMatch(w -> w < 0), "the reference has negative weights");
        Profile p = Profile.parseFrom(Run.pprof(in, PprofOptions.defaults()));
        for (Sample s : p.getSampleList()) {
            assertEquals(2, s.getValueCount());
            assertTrue(s.getValue(0) >= 0 && s.getValue(1) >= 0 && (s.getValue(0) == 0 || s.getValue(1) == 0));
        }
    }

    @Test
    void fullModeTruncatedFileKeepsTheLastSample() throws Exception {
        byte[] in = Fixtures.bytes(Fixtures.root().resolve("synthetic/edge_full_truncated.v3.mojo"));
        Profile p = Profile.parseFrom(Run.pprof(in, PprofOptions.defaults()));
        assertEquals(4, p.getSampleCount());
        Sample last = p.getSample(3);
        assertEquals(List.of(80L, 80L, 0L, 1L), last.getValueList());
    }

    @Test
    void pprofNamesTheDefaultSampleTypeWhenThereAreSeveral() throws Exception {
        Profile full = Profile.parseFrom(Run.pprof(Fixtures.bytes(Fixtures.root().resolve(
                "v3/two_threads.full.py311.mojo")), PprofOptions.defaults()));
        assertEquals("Wall time", full.getStringTable((int) full.getDefaultSampleType()));
        Profile memory = Profile.parseFrom(Run.pprof(Fixtures.bytes(Fixtures.root().resolve(
                "v3/mem_alloc.memory.py311.mojo")), PprofOptions.defaults()));
        assertEquals("Allocated memory", memory.getStringTable((int) memory.getDefaultSampleType()));
        Profile wall = Profile.parseFrom(Run.pprof(Fixtures.bytes(Fixtures.root().resolve(
                "v3/two_threads.wall.py311.mojo")), PprofOptions.defaults()));
        assertEquals(0, wall.getDefaultSampleType(), "one type: nothing to choose");
    }

    @Test
    void gzippedPprofIsTheSameMessage() throws Exception {
        byte[] in = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.full.py311.mojo"));
        byte[] raw = Run.pprof(in, PprofOptions.defaults());
        byte[] gz = Run.pprof(in, PprofOptions.defaults().withGzip(true));
        assertEquals(0x1f, gz[0] & 0xFF);
        assertEquals(0x8b, gz[1] & 0xFF);
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertArrayEquals(raw, z.readAllBytes());
        }
    }

    @Test
    void collapsedTextByDefaultKeepsTheTruncatedSample() {
        byte[] in = Fixtures.bytes(Fixtures.root().resolve("synthetic/edge_full_truncated.v3.mojo"));
        String ours = new String(Run.collapsed(in, false), StandardCharsets.UTF_8);
        String compat = new String(Run.collapsed(in, true), StandardCharsets.UTF_8);
        assertTrue(ours.endsWith(";/m.py:<module>:1;:GC: 80,0,-1\n"), ours);
        assertTrue(compat.endsWith(";/m.py:<module>:1;:GC:"), compat);
    }

    @Test
    void pprofStepStreamsSamplesAndHonoursBackpressure() {
        byte[] in = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.wall.py311.mojo"));
        reactor.test.StepVerifier.create(Run.profileEvents(in, io.austin.formats.Compat.NONE)
                        .transform(Conversions.toPprof(PprofOptions.defaults())), 0)
                .expectSubscription()
                .expectNoEvent(java.time.Duration.ofMillis(10))
                .thenRequest(1)
                .assertNext(chunk -> assertTrue(chunk.length > 0))
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(chunk -> true)
                .verifyComplete();
    }

    @Test
    void collapsedStepEmitsTheCompletedLinesBeforeAnError() {
        byte[] in = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.wall.py311.mojo"));
        byte[] cut = java.util.Arrays.copyOf(in, in.length - 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reactor.test.StepVerifier.create(StackEvents.profile(() -> new ByteArrayInputStream(cut))
                        .transform(Conversions.toCollapsed(io.austin.formats.collapsed.CollapsedWriter.Layout.PLAIN))
                        .doOnNext(out::writeBytes))
                .thenConsumeWhile(chunk -> true)
                .expectErrorMatches(e -> e instanceof io.austin.formats.FormatException
                        && e.getMessage().startsWith("truncated MOJO"))
                .verify();
        String text = out.toString(StandardCharsets.UTF_8);
        String reference = new String(Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.wall.py311.austin")),
                StandardCharsets.UTF_8);
        assertTrue(text.length() > 1000 && reference.startsWith(text) && text.endsWith("\n"), text);
    }

    private static Path sibling(Path mojo, String ext) {
        String name = mojo.getFileName().toString();
        return mojo.resolveSibling(name.substring(0, name.length() - ".mojo".length()) + ext);
    }

    private static String typeName(Profile p, int i) {
        return p.getStringTable((int) p.getSampleType(i).getType());
    }

    /** The number of samples over all profiles of a speedscope document. */
    static int countSamples(String json) throws Exception {
        return weights(json).size();
    }

    static List<Long> weights(String json) throws Exception {
        List<Long> all = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && p.currentName().equals("weights")) {
                    p.nextToken();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        all.add(p.getLongValue());
                    }
                }
            }
        }
        return all;
    }
}
