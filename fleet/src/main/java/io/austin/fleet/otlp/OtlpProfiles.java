package io.austin.fleet.otlp;

import io.austin.converters.profile.FrameTable;
import io.austin.converters.profile.Metric;
import io.austin.converters.profile.Profile;
import io.austin.converters.profile.ProfileBuilder;
import io.austin.converters.profile.StackTable;
import io.austin.formats.Metadata;
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
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.ResourceProfiles;
import io.opentelemetry.proto.profiles.v1development.ScopeProfiles;
import io.opentelemetry.proto.profiles.v1development.Stack;
import io.opentelemetry.proto.profiles.v1development.ValueType;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One process's window as an OTLP profiles export request, in the schema of opentelemetry-proto 1.11.0
 * ({@code v1development}, the one the OpenTelemetry Collector reads since its pdata moved to that version): one
 * resource (service, host, process, Python), one scope, and one {@code Profile} per value, since a profile has a
 * single sample type there: the sample count first, then the mode's {@link Metric}s (wall or CPU time in
 * microseconds, or the memory allocated and freed in bytes; full mode: all four). The samples are folded by the
 * converters' {@link ProfileBuilder}, the same interning and sums as the other renderers (Austin's
 * {@code :INVALID:} and {@code :GC:} marker frames included); its frames, stacks and threads become the request's
 * shared dictionary, each table starting with its zero value as the schema requires, a stack listing its
 * locations leaf first. Plain Java: the generated classes of the {@code opentelemetry-proto} artifact.
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

    /** The export request for one process's samples over one window, sampled in {@code mode}. */
    public static ExportProfilesServiceRequest request(Mode mode, List<Sample> samples, Labels labels) {
        ProfileBuilder builder = new ProfileBuilder();
        builder.metadata(new Metadata("mode", (mode == null ? Mode.WALL : mode).name().toLowerCase(Locale.ROOT)));
        for (Sample s : samples) {
            builder.add(s);
        }
        return new Dictionary().request(builder.build(), labels);
    }

    /** A (type, unit) pair of the schema for one of the converters' metrics. */
    private static String[] type(Metric m) {
        return switch (m) {
            case CPU_TIME -> new String[] {"cpu", "microseconds"};
            case WALL_TIME -> new String[] {"wall", "microseconds"};
            case ALLOCATED -> new String[] {"alloc_space", "bytes"};
            case DEALLOCATED -> new String[] {"free_space", "bytes"};
        };
    }

    /** The request's string table, and the rest of the dictionary made from a folded profile. */
    private static final class Dictionary {
        private final Map<String, Integer> strings = new LinkedHashMap<>();

        private int string(String s) {
            return strings.computeIfAbsent(s, k -> strings.size());
        }

        private ValueType valueType(String[] type) {
            return ValueType.newBuilder().setTypeStrindex(string(type[0])).setUnitStrindex(string(type[1])).build();
        }

        ExportProfilesServiceRequest request(Profile p, Labels labels) {
            string("");
            ProfilesDictionary.Builder d = ProfilesDictionary.newBuilder()
                    .addMappingTable(Mapping.getDefaultInstance())
                    .addLinkTable(Link.getDefaultInstance())
                    .addFunctionTable(Function.getDefaultInstance())
                    .addLocationTable(Location.getDefaultInstance())
                    .addStackTable(Stack.getDefaultInstance())
                    .addAttributeTable(KeyValueAndUnit.getDefaultInstance());
            // Frame id f is location f + 1; functions by (name, file).
            FrameTable frames = p.frames();
            Map<List<String>, Integer> functions = new HashMap<>();
            for (int f = 0; f < frames.size(); f++) {
                String name = frames.scope(f);
                String file = frames.file(f);
                int function = functions.computeIfAbsent(List.of(name, file), k -> {
                    d.addFunctionTable(Function.newBuilder().setNameStrindex(string(name))
                            .setSystemNameStrindex(string(name)).setFilenameStrindex(string(file)));
                    return d.getFunctionTableCount() - 1;
                });
                d.addLocationTable(Location.newBuilder().addLines(Line.newBuilder().setFunctionIndex(function)
                        .setLine(Math.max(0, frames.line(f)))));
            }
            // Stacks in the converters' order, locations leaf first; a frameless stack is the zero stack.
            StackTable stacks = p.stacks();
            int[] stackIndex = new int[stacks.size()];
            for (int k = 0; k < stacks.size(); k++) {
                if (stacks.length(k) == 0) {
                    continue;
                }
                Stack.Builder stack = Stack.newBuilder();
                for (int i = stacks.length(k) - 1; i >= 0; i--) {
                    stack.addLocationIndices(stacks.item(k, i) + 1);
                }
                d.addStackTable(stack);
                stackIndex[k] = d.getStackTableCount() - 1;
            }
            // Thread index t is attribute t + 1.
            int threadKey = string("thread.id");
            for (ThreadKey t : p.threads()) {
                d.addAttributeTable(KeyValueAndUnit.newBuilder().setKeyStrindex(threadKey)
                        .setValue(AnyValue.newBuilder().setStringValue(t.textName())));
            }

            ScopeProfiles.Builder scope = ScopeProfiles.newBuilder().setScope(InstrumentationScope.newBuilder()
                    .setName(SCOPE).setVersion(version()));
            scope.addProfiles(profile(p, stackIndex, -1, new String[] {"samples", "count"}, labels));
            for (int m = 0; m < p.metrics().size(); m++) {
                scope.addProfiles(profile(p, stackIndex, m, type(p.metrics().get(m)), labels));
            }
            d.addAllStringTable(List.of(strings.keySet().toArray(String[]::new))); // last: the profiles added some
            return ExportProfilesServiceRequest.newBuilder()
                    .addResourceProfiles(ResourceProfiles.newBuilder().setResource(resource(labels))
                            .addScopeProfiles(scope))
                    .setDictionary(d)
                    .build();
        }

        /** The profile of metric {@code m} (-1: the sample count): one sample per non-zero cell. */
        private io.opentelemetry.proto.profiles.v1development.Profile.Builder profile(Profile p, int[] stackIndex,
                int m, String[] type, Labels labels) {
            var out = io.opentelemetry.proto.profiles.v1development.Profile.newBuilder()
                    .setSampleType(valueType(type))
                    .setTimeUnixNano(labels.startMillis() * 1_000_000L)
                    .setDurationNano(Math.max(0, labels.endMillis() - labels.startMillis()) * 1_000_000L);
            if (m >= 0 && p.metrics().get(m).isTime()) {
                out.setPeriodType(valueType(type)).setPeriod(labels.intervalMicros());
            }
            for (int c = 0; c < p.cells(); c++) {
                long value = m < 0 ? p.samples(c) : p.value(c, m);
                if (value != 0) {
                    out.addSamples(io.opentelemetry.proto.profiles.v1development.Sample.newBuilder()
                            .setStackIndex(stackIndex[p.stack(c)]).addAttributeIndices(p.thread(c) + 1).addValues(value));
                }
            }
            return out;
        }
    }

    private static Resource resource(Labels labels) {
        Resource.Builder r = Resource.newBuilder()
                .addAttributes(text("service.name", labels.service()))
                .addAttributes(text("host.name", labels.host()))
                .addAttributes(KeyValue.newBuilder().setKey("process.pid")
                        .setValue(AnyValue.newBuilder().setIntValue(labels.pid())))
                .addAttributes(text("process.runtime.name", "CPython"));
        if (!labels.python().isEmpty()) {
            r.addAttributes(text("process.runtime.version", labels.python()));
        }
        return r.build();
    }

    private static KeyValue text(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static String version() {
        String v = OtlpProfiles.class.getPackage().getImplementationVersion();
        return v == null ? "" : v;
    }
}
