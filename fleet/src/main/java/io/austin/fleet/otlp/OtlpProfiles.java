package io.austin.fleet.otlp;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Mode;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.Function;
import io.opentelemetry.proto.profiles.v1development.KeyValueAndUnit;
import io.opentelemetry.proto.profiles.v1development.Line;
import io.opentelemetry.proto.profiles.v1development.Link;
import io.opentelemetry.proto.profiles.v1development.Location;
import io.opentelemetry.proto.profiles.v1development.Mapping;
import io.opentelemetry.proto.profiles.v1development.Profile;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.ResourceProfiles;
import io.opentelemetry.proto.profiles.v1development.ScopeProfiles;
import io.opentelemetry.proto.profiles.v1development.Stack;
import io.opentelemetry.proto.profiles.v1development.ValueType;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One process's window as an OTLP profiles export request, in the schema of opentelemetry-proto 1.11.0
 * ({@code v1development}, the one the OpenTelemetry Collector reads since its pdata moved to that version): one
 * resource (service, host, process, Python), one scope, and one {@code Profile} per value the mode gives, since a
 * profile has a single sample type there: the sample count first, then wall or CPU time in microseconds, or the
 * memory allocated and freed in bytes (full mode: all four). Stacks, locations, functions, strings and the thread
 * attribute live in the request's shared dictionary, each table starting with its zero value as the schema
 * requires; a stack lists its locations leaf first. Samples of the same stack and thread are summed. Plain Java:
 * the generated classes of the {@code opentelemetry-proto} artifact, nothing else.
 */
public final class OtlpProfiles {
    /** The scope's name in every request. */
    public static final String SCOPE = "austin-jvm";

    /**
     * What a window says about itself.
     *
     * @param service        the service ({@code service.name})
     * @param host           the host ({@code host.name})
     * @param pid            the process ({@code process.pid})
     * @param python         its Python version ({@code process.runtime.version}), or ""
     * @param startMillis    the window's start, milliseconds since the epoch
     * @param endMillis      its end
     * @param intervalMicros the sampling interval (the time profiles' period)
     */
    public record Labels(String service, String host, int pid, String python, long startMillis, long endMillis,
            long intervalMicros) {
    }

    private OtlpProfiles() {
    }

    /** The sample types of a mode, as (type, unit) pairs: the count first. */
    static List<String[]> types(Mode mode) {
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"samples", "count"});
        switch (mode) {
            case WALL -> t.add(new String[] {"wall", "microseconds"});
            case CPU -> t.add(new String[] {"cpu", "microseconds"});
            case MEMORY -> {
                t.add(new String[] {"alloc_space", "bytes"});
                t.add(new String[] {"free_space", "bytes"});
            }
            case FULL -> {
                t.add(new String[] {"cpu", "microseconds"});
                t.add(new String[] {"wall", "microseconds"});
                t.add(new String[] {"alloc_space", "bytes"});
                t.add(new String[] {"free_space", "bytes"});
            }
        }
        return t;
    }

    /** A sample's values in the order of {@link #types(Mode)}: 1, then what the mode measures. */
    static void values(Mode mode, Sample s, long[] out) {
        out[0] = 1;
        switch (mode) {
            case WALL, CPU -> out[1] = s.time();
            case MEMORY -> {
                out[1] = Math.max(s.memory(), 0);
                out[2] = s.memory() < 0 ? -s.memory() : 0;
            }
            case FULL -> {
                out[1] = s.idle() ? 0 : s.time();
                out[2] = s.time();
                out[3] = Math.max(s.memory(), 0);
                out[4] = s.memory() < 0 ? -s.memory() : 0;
            }
        }
    }

    /** The export request for one process's samples over one window. */
    public static ExportProfilesServiceRequest request(Mode mode, List<Sample> samples, Labels labels) {
        return new Builder(mode).add(samples).build(labels);
    }

    /** Interns the dictionary's tables and sums the samples by stack and thread. */
    private static final class Builder {
        private final Mode mode;
        private final List<String[]> types;
        private final Map<String, Integer> strings = new LinkedHashMap<>();
        private final Map<List<Object>, Integer> functions = new HashMap<>();
        private final List<Function> functionTable = new ArrayList<>();
        private final Map<List<Object>, Integer> locations = new HashMap<>();
        private final List<Location> locationTable = new ArrayList<>();
        private final Map<List<Integer>, Integer> stacks = new HashMap<>();
        private final List<Stack> stackTable = new ArrayList<>();
        private final Map<ThreadKey, Integer> threads = new HashMap<>();
        private final List<KeyValueAndUnit> attributeTable = new ArrayList<>();
        /** Summed values by (stack, thread attribute), in first-seen order. */
        private final Map<Long, long[]> sums = new LinkedHashMap<>();

        Builder(Mode mode) {
            this.mode = mode == null ? Mode.WALL : mode;
            this.types = types(this.mode);
            string("");
            functionTable.add(Function.getDefaultInstance());
            locationTable.add(Location.getDefaultInstance());
            stackTable.add(Stack.getDefaultInstance());
            attributeTable.add(KeyValueAndUnit.getDefaultInstance());
        }

        private int string(String s) {
            return strings.computeIfAbsent(s, k -> strings.size());
        }

        private int function(Frame f) {
            return functions.computeIfAbsent(List.of(f.scope(), f.file()), k -> {
                int name = string(f.scope());
                functionTable.add(Function.newBuilder().setNameStrindex(name).setSystemNameStrindex(name)
                        .setFilenameStrindex(string(f.file())).build());
                return functionTable.size() - 1;
            });
        }

        private int location(Frame f) {
            int function = function(f);
            return locations.computeIfAbsent(List.of(function, f.line(), f.column()), k -> {
                Line.Builder line = Line.newBuilder().setFunctionIndex(function).setLine(Math.max(0, f.line()));
                if (f.column() > 0) {
                    line.setColumn(f.column());
                }
                locationTable.add(Location.newBuilder().addLines(line).build());
                return locationTable.size() - 1;
            });
        }

        private int stack(List<FrameRef> frames) {
            List<Integer> leafFirst = new ArrayList<>(frames.size());
            for (int i = frames.size() - 1; i >= 0; i--) {
                leafFirst.add(location(frames.get(i).frame()));
            }
            if (leafFirst.isEmpty()) {
                return 0; // the zero stack: no frame
            }
            return stacks.computeIfAbsent(leafFirst, k -> {
                stackTable.add(Stack.newBuilder().addAllLocationIndices(k).build());
                return stackTable.size() - 1;
            });
        }

        private int thread(ThreadKey t) {
            return threads.computeIfAbsent(t, k -> {
                attributeTable.add(KeyValueAndUnit.newBuilder().setKeyStrindex(string("thread.id"))
                        .setValue(AnyValue.newBuilder().setStringValue(k.textName())).build());
                return attributeTable.size() - 1;
            });
        }

        Builder add(List<Sample> samples) {
            long[] v = new long[types.size()];
            for (Sample s : samples) {
                long key = (long) stack(s.frames()) << 32 | thread(s.thread());
                values(mode, s, v);
                long[] sum = sums.computeIfAbsent(key, k -> new long[types.size()]);
                for (int i = 0; i < v.length; i++) {
                    sum[i] += v[i];
                }
            }
            return this;
        }

        ExportProfilesServiceRequest build(Labels labels) {
            ScopeProfiles.Builder scope = ScopeProfiles.newBuilder().setScope(InstrumentationScope.newBuilder()
                    .setName(SCOPE).setVersion(version()));
            long start = labels.startMillis() * 1_000_000L;
            long duration = Math.max(0, labels.endMillis() - labels.startMillis()) * 1_000_000L;
            for (int t = 0; t < types.size(); t++) {
                Profile.Builder p = Profile.newBuilder()
                        .setSampleType(valueType(types.get(t)))
                        .setTimeUnixNano(start)
                        .setDurationNano(duration);
                if (types.get(t)[1].equals("microseconds")) {
                    p.setPeriodType(valueType(types.get(t))).setPeriod(labels.intervalMicros());
                }
                for (Map.Entry<Long, long[]> e : sums.entrySet()) {
                    long value = e.getValue()[t];
                    if (value == 0) {
                        continue;
                    }
                    p.addSamples(io.opentelemetry.proto.profiles.v1development.Sample.newBuilder()
                            .setStackIndex((int) (e.getKey() >>> 32))
                            .addAttributeIndices((int) (e.getKey() & 0xffffffffL))
                            .addValues(value));
                }
                scope.addProfiles(p);
            }
            Resource.Builder resource = Resource.newBuilder()
                    .addAttributes(text("service.name", labels.service()))
                    .addAttributes(text("host.name", labels.host()))
                    .addAttributes(KeyValue.newBuilder().setKey("process.pid")
                            .setValue(AnyValue.newBuilder().setIntValue(labels.pid())))
                    .addAttributes(text("process.runtime.name", "CPython"));
            if (!labels.python().isEmpty()) {
                resource.addAttributes(text("process.runtime.version", labels.python()));
            }
            ProfilesDictionary.Builder dictionary = ProfilesDictionary.newBuilder()
                    .addMappingTable(Mapping.getDefaultInstance())
                    .addLinkTable(Link.getDefaultInstance())
                    .addAllLocationTable(locationTable)
                    .addAllFunctionTable(functionTable)
                    .addAllStackTable(stackTable)
                    .addAllAttributeTable(attributeTable);
            // The strings last: building the profiles above interned their types' names.
            dictionary.addAllStringTable(Arrays.asList(strings.keySet().toArray(String[]::new)));
            return ExportProfilesServiceRequest.newBuilder()
                    .addResourceProfiles(ResourceProfiles.newBuilder().setResource(resource).addScopeProfiles(scope))
                    .setDictionary(dictionary)
                    .build();
        }

        private ValueType valueType(String[] type) {
            return ValueType.newBuilder().setTypeStrindex(string(type[0])).setUnitStrindex(string(type[1])).build();
        }

        private static KeyValue text(String key, String value) {
            return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
        }

        private static String version() {
            String v = OtlpProfiles.class.getPackage().getImplementationVersion();
            return v == null ? "" : v;
        }
    }
}
