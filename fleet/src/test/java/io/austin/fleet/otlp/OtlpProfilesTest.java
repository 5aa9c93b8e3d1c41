package io.austin.fleet.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Mode;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.Function;
import io.opentelemetry.proto.profiles.v1development.KeyValueAndUnit;
import io.opentelemetry.proto.profiles.v1development.Link;
import io.opentelemetry.proto.profiles.v1development.Location;
import io.opentelemetry.proto.profiles.v1development.Mapping;
import io.opentelemetry.proto.profiles.v1development.Profile;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.Stack;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Windows as OTLP profiles, read back through the schema's generated classes from the serialized bytes: the
 * dictionary's rules, one profile per value, totals, stacks leaf first, attributes, time range.
 */
class OtlpProfilesTest {
    private static final ThreadKey MAIN = ThreadKey.of(4242, 0, 4242);
    private static final ThreadKey WORKER = ThreadKey.of(4242, 0, 4250);
    private static final OtlpProfiles.Labels LABELS = new OtlpProfiles.Labels("api", "host-a", 4242, "3.12.1",
            1_700_000_000_000L, 1_700_000_010_000L, 10_000);

    private static List<FrameRef> stack(String... functions) {
        List<FrameRef> frames = new ArrayList<>();
        for (String f : functions) {
            Frame frame = Frame.of("app.py", f, f.length());
            frames.add(new FrameRef(frame.hashCode(), frame));
        }
        return frames;
    }

    private static Sample wall(ThreadKey t, long micros, String... functions) {
        return new Sample(t, stack(functions), Sample.TIME, micros, 0);
    }

    private static ExportProfilesServiceRequest roundTrip(Mode mode, List<Sample> samples) throws Exception {
        byte[] bytes = OtlpProfiles.request(mode, samples, LABELS).toByteArray();
        return ExportProfilesServiceRequest.parseFrom(bytes);
    }

    /** A sample's stack, root first, as "function:line;..." from the dictionary. */
    private static String stackText(ProfilesDictionary d, int stackIndex) {
        Stack s = d.getStackTable(stackIndex);
        List<String> frames = new ArrayList<>();
        for (int i = s.getLocationIndicesCount() - 1; i >= 0; i--) {
            Location l = d.getLocationTable(s.getLocationIndices(i));
            assertEquals(1, l.getLinesCount(), "one line per location: Python frames are not inlined");
            Function f = d.getFunctionTable(l.getLines(0).getFunctionIndex());
            assertEquals("app.py", d.getStringTable(f.getFilenameStrindex()));
            frames.add(d.getStringTable(f.getNameStrindex()) + ":" + l.getLines(0).getLine());
        }
        return String.join(";", frames);
    }

    private static String type(ProfilesDictionary d, Profile p) {
        return d.getStringTable(p.getSampleType().getTypeStrindex()) + "/"
                + d.getStringTable(p.getSampleType().getUnitStrindex());
    }

    @Test
    void wallWindowIsTwoProfilesOverOneDictionaryWhoseTablesStartWithTheirZeroValue() throws Exception {
        List<Sample> samples = List.of(wall(MAIN, 100, "main", "hot"), wall(MAIN, 120, "main", "hot"),
                wall(MAIN, 90, "main", "cold"), wall(WORKER, 200, "run", "hot"), wall(MAIN, 0, "main", "idle"));
        ExportProfilesServiceRequest r = roundTrip(Mode.WALL, samples);
        ProfilesDictionary d = r.getDictionary();
        assertEquals("", d.getStringTable(0));
        assertEquals(Mapping.getDefaultInstance(), d.getMappingTable(0));
        assertEquals(Location.getDefaultInstance(), d.getLocationTable(0));
        assertEquals(Function.getDefaultInstance(), d.getFunctionTable(0));
        assertEquals(Link.getDefaultInstance(), d.getLinkTable(0));
        assertEquals(Stack.getDefaultInstance(), d.getStackTable(0));
        assertEquals(KeyValueAndUnit.getDefaultInstance(), d.getAttributeTable(0));
        assertEquals(d.getStringTableCount(), d.getStringTableList().stream().distinct().count(), "no duplicate");
        assertEquals(1 + 5, d.getFunctionTableCount(), "main, hot, cold, run, idle");
        assertEquals(1 + 4, d.getStackTableCount(), "main;hot, main;cold, run;hot, main;idle");

        assertEquals(1, r.getResourceProfilesCount());
        Map<String, String> resource = new TreeMap<>();
        for (KeyValue kv : r.getResourceProfiles(0).getResource().getAttributesList()) {
            resource.put(kv.getKey(), kv.getValue().hasIntValue() ? Long.toString(kv.getValue().getIntValue())
                    : kv.getValue().getStringValue());
        }
        assertEquals(Map.of("service.name", "api", "host.name", "host-a", "process.pid", "4242",
                "process.runtime.name", "CPython", "process.runtime.version", "3.12.1"), resource);
        var scope = r.getResourceProfiles(0).getScopeProfiles(0);
        assertEquals(OtlpProfiles.SCOPE, scope.getScope().getName());
        assertEquals(2, scope.getProfilesCount());
        Profile count = scope.getProfiles(0);
        Profile time = scope.getProfiles(1);
        assertEquals("samples/count", type(d, count));
        assertEquals("wall/microseconds", type(d, time));
        assertEquals("wall/microseconds", d.getStringTable(time.getPeriodType().getTypeStrindex()) + "/"
                + d.getStringTable(time.getPeriodType().getUnitStrindex()));
        assertEquals(10_000, time.getPeriod());
        for (Profile p : scope.getProfilesList()) {
            assertEquals(1_700_000_000_000_000_000L, p.getTimeUnixNano());
            assertEquals(10_000_000_000L, p.getDurationNano());
        }

        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> micros = new TreeMap<>();
        for (var s : count.getSamplesList()) {
            assertEquals(1, s.getValuesCount());
            assertEquals(0, s.getLinkIndex());
            KeyValueAndUnit thread = d.getAttributeTable(s.getAttributeIndices(0));
            assertEquals("thread.id", d.getStringTable(thread.getKeyStrindex()));
            counts.merge(thread.getValue().getStringValue() + " " + stackText(d, s.getStackIndex()), s.getValues(0),
                    Long::sum);
        }
        for (var s : time.getSamplesList()) {
            KeyValueAndUnit thread = d.getAttributeTable(s.getAttributeIndices(0));
            micros.merge(thread.getValue().getStringValue() + " " + stackText(d, s.getStackIndex()), s.getValues(0),
                    Long::sum);
        }
        String t = MAIN.textName();
        String w = WORKER.textName();
        assertEquals(Map.of(t + " main:4;hot:3", 2L, t + " main:4;cold:4", 1L, w + " run:3;hot:3", 1L,
                t + " main:4;idle:4", 1L), counts, "samples summed by stack and thread");
        assertEquals(Map.of(t + " main:4;hot:3", 220L, t + " main:4;cold:4", 90L, w + " run:3;hot:3", 200L), micros,
                "a zero value makes no sample");
    }

    @Test
    void memoryAndFullModesSplitTheirValuesOverProfiles() throws Exception {
        List<Sample> memory = List.of(new Sample(MAIN, stack("main", "grow"), Sample.MEMORY, 0, 4096),
                new Sample(MAIN, stack("main", "shrink"), Sample.MEMORY, 0, -1024));
        ExportProfilesServiceRequest r = roundTrip(Mode.MEMORY, memory);
        ProfilesDictionary d = r.getDictionary();
        List<String> types = new ArrayList<>();
        Map<String, Long> totals = new HashMap<>();
        for (Profile p : r.getResourceProfiles(0).getScopeProfiles(0).getProfilesList()) {
            types.add(type(d, p));
            totals.put(type(d, p), p.getSamplesList().stream().mapToLong(s -> s.getValues(0)).sum());
            assertTrue(!p.hasPeriodType(), "no period for memory");
        }
        assertEquals(List.of("samples/count", "alloc_space/bytes", "free_space/bytes"), types);
        assertEquals(Map.of("samples/count", 2L, "alloc_space/bytes", 4096L, "free_space/bytes", 1024L), totals);

        List<Sample> full = List.of(new Sample(MAIN, stack("main", "work"), Sample.TIME | Sample.MEMORY, 100, 64),
                new Sample(MAIN, stack("main", "wait"), Sample.TIME | Sample.MEMORY | Sample.IDLE, 300, 0));
        r = roundTrip(Mode.FULL, full);
        d = r.getDictionary();
        Map<String, Long> fullTotals = new HashMap<>();
        for (Profile p : r.getResourceProfiles(0).getScopeProfiles(0).getProfilesList()) {
            fullTotals.put(type(d, p), p.getSamplesList().stream().mapToLong(s -> s.getValues(0)).sum());
        }
        assertEquals(Map.of("samples/count", 2L, "cpu/microseconds", 100L, "wall/microseconds", 400L,
                "alloc_space/bytes", 64L, "free_space/bytes", 0L), fullTotals, "idle time is wall, not CPU");
    }

    @Test
    void austinsMarkersAreFramesAsInTheOtherRenderers() throws Exception {
        ExportProfilesServiceRequest r = roundTrip(Mode.WALL, List.of(
                new Sample(MAIN, stack("main", "hot"), Sample.TIME | Sample.INVALID | Sample.GC, 70, 0)));
        ProfilesDictionary d = r.getDictionary();
        var sample = r.getResourceProfiles(0).getScopeProfiles(0).getProfiles(1).getSamples(0);
        Stack s = d.getStackTable(sample.getStackIndex());
        List<String> leafFirst = new ArrayList<>();
        for (int i : s.getLocationIndicesList()) {
            leafFirst.add(d.getStringTable(d.getFunctionTable(d.getLocationTable(i).getLines(0).getFunctionIndex())
                    .getNameStrindex()));
        }
        assertEquals(List.of(":GC:", "hot", "main", ":INVALID:"), leafFirst);
        assertEquals(70, sample.getValues(0));
    }

    @Test
    void anEmptyWindowAndAFramelessSampleAreValid() throws Exception {
        ExportProfilesServiceRequest empty = roundTrip(Mode.CPU, List.of());
        assertEquals(2, empty.getResourceProfiles(0).getScopeProfiles(0).getProfilesCount());
        assertEquals(0, empty.getResourceProfiles(0).getScopeProfiles(0).getProfiles(0).getSamplesCount());
        ExportProfilesServiceRequest frameless = roundTrip(Mode.CPU, List.of(wall(MAIN, 50)));
        var s = frameless.getResourceProfiles(0).getScopeProfiles(0).getProfiles(1).getSamples(0);
        assertEquals(0, s.getStackIndex(), "the zero stack: no frame");
        assertEquals(50, s.getValues(0));
    }
}
