package io.austin.fleet.pprof;

import io.austin.converters.pprof.proto.Function;
import io.austin.converters.pprof.proto.Label;
import io.austin.converters.pprof.proto.Line;
import io.austin.converters.pprof.proto.Location;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.pprof.proto.Sample;
import io.austin.converters.pprof.proto.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Merges pprof profiles (gzip-compressed or raw) into one, such as the windows of a fleet's agents into a minute, or
 * minutes into an hour.
 *
 * <p>The merged profile's first sample type is {@value #COUNT_TYPE}/{@value #COUNT_UNIT} (the Go pprof convention),
 * followed by the inputs' own types, which must be the same for every input. An input without a leading count type
 * (such as {@link io.austin.converters.pprof.PprofWriter}'s, one pprof sample per Austin sample) counts 1 per pprof
 * sample; an input that has one (a merged profile) contributes its counts, so merging is associative: merging merged
 * profiles gives the totals of merging their inputs at once.
 *
 * <p>Samples with the same stack (the same sequence of function name, file and line, leaf to root, compared by
 * content and not by the inputs' ids) and the same labels (key to string or number) are combined into one, their
 * values summed element-wise. Strings, functions (by name and file) and locations (by their lines) are interned
 * anew; string 0 is the empty string. Mappings, addresses of located code, columns, comments and drop/keep frames are
 * not carried (Austin's profiles have none). Memory grows with the distinct stacks, label sets and frames, not with
 * the number of samples added.
 *
 * <p>Time fields: {@code time_nanos} is the earliest non-zero start of the inputs and {@code duration_nanos} spans
 * from it to the latest end ({@code time_nanos + duration_nanos}) of those inputs; when no input has a start, the
 * durations are summed. {@code period_type}, {@code period} and {@code default_sample_type} are the first input's
 * that has them.
 *
 * <p>Not thread-safe.
 */
public final class PprofMerger {
    /** The type of the leading sample type that counts the samples. */
    public static final String COUNT_TYPE = "samples";
    /** The unit of the leading sample type that counts the samples. */
    public static final String COUNT_UNIT = "count";

    /** A type and unit, as text. */
    private record TypeText(String type, String unit) {
        boolean isCount() {
            return COUNT_TYPE.equals(type) && COUNT_UNIT.equals(unit);
        }

        @Override
        public String toString() {
            return type + "/" + unit;
        }
    }

    /** An array of longs compared by content, as a map key. */
    private record Key(long[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(values, k.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    /** The longs of one label in a label set: key, str, num, num_unit. */
    private static final int LABEL_WIDTH = 4;

    private final StringTable strings = new StringTable();
    /** The inputs' own sample types (the count aside); null until an input fixes them. */
    private List<TypeText> types;
    /** Values per sample: the count, then one per own type. */
    private int width;
    private long[] totals = new long[0];

    private final Map<Long, Integer> functionIds = new HashMap<>();
    private final List<Function> functions = new ArrayList<>();
    private final Map<Key, Integer> locationIds = new HashMap<>();
    private final List<Location> locations = new ArrayList<>();
    private final Map<Key, Integer> stackIds = new HashMap<>();
    private final List<long[]> stacks = new ArrayList<>();
    private final Map<Key, Integer> labelSetIds = new HashMap<>();
    private final List<long[]> labelSets = new ArrayList<>();

    private final Map<Long, Integer> sampleIndex = new HashMap<>();
    private int[] sampleStack = new int[64];
    private int[] sampleLabels = new int[64];
    private long[] values = new long[0];
    private int samples;

    private long start = Long.MAX_VALUE;
    private long end = Long.MIN_VALUE;
    private long untimedDuration;
    private TypeText periodType;
    private long period;
    private String defaultType;

    /** An empty merger. */
    public PprofMerger() {
        strings.intern("");
    }

    /**
     * A merger holding all of {@code profiles}, added without extra labels.
     *
     * @throws IllegalArgumentException as {@link #add(byte[], Map)}
     */
    public static PprofMerger of(Collection<byte[]> profiles) {
        PprofMerger merger = new PprofMerger();
        for (byte[] p : profiles) {
            merger.add(p);
        }
        return merger;
    }

    /**
     * The samples of {@code pprof} whose labels include every pair of {@code required} (a numeric label matches its
     * decimal text), as a merged profile: count type first, like samples combined. Gzip-compressed when the input
     * is.
     *
     * @throws IllegalArgumentException when the bytes are not a consistent pprof profile
     */
    public static byte[] filter(byte[] pprof, Map<String, String> required) {
        Objects.requireNonNull(required, "required");
        PprofMerger merger = new PprofMerger();
        merger.add(PprofCodec.decode(pprof), Map.of(), required);
        return merger.toBytes(PprofCodec.isGzip(pprof));
    }

    /**
     * A new merger holding the samples of this one whose labels include every pair of {@code required} (a numeric
     * label matches its decimal text); its totals are those of the samples kept. This merger is unchanged.
     */
    public PprofMerger filter(Map<String, String> required) {
        Objects.requireNonNull(required, "required");
        PprofMerger filtered = new PprofMerger();
        filtered.add(toProfile(), Map.of(), required);
        return filtered;
    }

    /**
     * Adds every sample of {@code pprof} without extra labels.
     *
     * @throws IllegalArgumentException as {@link #add(byte[], Map)}
     */
    public void add(byte[] pprof) {
        add(pprof, Map.of());
    }

    /**
     * Adds every sample of {@code pprof} (gzip-compressed or raw), each with the {@code labels} added to its own: an
     * extra label replaces the sample's labels of the same key. Nothing is added when the profile is rejected.
     *
     * @param pprof  a pprof profile
     * @param labels extra string labels, such as {@code service} and {@code host}
     * @throws IllegalArgumentException when the bytes are not a consistent pprof profile, or its sample types (a
     *                                  leading {@value #COUNT_TYPE}/{@value #COUNT_UNIT} aside) differ from those
     *                                  of the profiles added before
     */
    public void add(byte[] pprof, Map<String, String> labels) {
        Objects.requireNonNull(pprof, "pprof");
        Objects.requireNonNull(labels, "labels");
        add(PprofCodec.decode(pprof), labels, Map.of());
    }

    /**
     * Widens the merged profile's time span to cover {@code durationNanos} from {@code timeNanos} (Unix epoch
     * nanoseconds), as an added profile with those fields would: for windows whose profiles carry no time, such as
     * {@link io.austin.converters.pprof.PprofWriter}'s.
     */
    public void addTimeSpan(long timeNanos, long durationNanos) {
        span(timeNanos, durationNanos);
    }

    /** The merged profile's sample types as {@code type/unit}, the count first; empty until a profile fixes them. */
    public List<String> sampleTypes() {
        if (types == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(width);
        out.add(COUNT_TYPE + "/" + COUNT_UNIT);
        for (TypeText t : types) {
            out.add(t.toString());
        }
        return List.copyOf(out);
    }

    /** The sum of each sample type over all merged samples, in {@link #sampleTypes()} order. */
    public long[] totals() {
        return totals.clone();
    }

    /** How many pprof samples the merged profile has, like samples combined. */
    public int sampleCount() {
        return samples;
    }

    /** Whether no sample has been added. */
    public boolean isEmpty() {
        return samples == 0;
    }

    /** The merged profile, serialised, gzip-compressed when {@code gzip}. */
    public byte[] toBytes(boolean gzip) {
        return PprofCodec.encode(toProfile(), gzip);
    }

    private Profile toProfile() {
        Profile.Builder b = Profile.newBuilder();
        if (types != null) {
            b.addSampleType(valueType(new TypeText(COUNT_TYPE, COUNT_UNIT)));
            for (TypeText t : types) {
                b.addSampleType(valueType(t));
            }
        }
        Sample.Builder s = Sample.newBuilder();
        for (int i = 0; i < samples; i++) {
            s.clear();
            for (long location : stacks.get(sampleStack[i])) {
                s.addLocationId(location);
            }
            for (int v = 0; v < width; v++) {
                s.addValue(values[i * width + v]);
            }
            long[] labels = labelSets.get(sampleLabels[i]);
            for (int l = 0; l < labels.length; l += LABEL_WIDTH) {
                s.addLabel(Label.newBuilder().setKey(labels[l]).setStr(labels[l + 1]).setNum(labels[l + 2])
                        .setNumUnit(labels[l + 3]));
            }
            b.addSample(s.build());
        }
        b.addAllLocation(locations);
        b.addAllFunction(functions);
        if (start != Long.MAX_VALUE) {
            b.setTimeNanos(start).setDurationNanos(end - start);
        } else {
            b.setDurationNanos(untimedDuration);
        }
        if (periodType != null) {
            b.setPeriodType(valueType(periodType)).setPeriod(period);
        }
        if (defaultType != null) {
            b.setDefaultSampleType(strings.intern(defaultType));
        }
        b.addAllStringTable(strings.list); // last: the types above may intern
        return b.build();
    }

    private ValueType valueType(TypeText t) {
        return ValueType.newBuilder().setType(strings.intern(t.type())).setUnit(strings.intern(t.unit())).build();
    }

    /** Adds the samples of {@code p} that have the {@code required} labels (after the extra ones), all or nothing. */
    private void add(Profile p, Map<String, String> extra, Map<String, String> required) {
        PprofTables in = new PprofTables(p);
        List<TypeText> declared = new ArrayList<>(p.getSampleTypeCount());
        for (ValueType t : p.getSampleTypeList()) {
            declared.add(new TypeText(in.string(t.getType()), in.string(t.getUnit())));
        }
        boolean counted = !declared.isEmpty() && declared.get(0).isCount();
        List<TypeText> own = counted ? declared.subList(1, declared.size()) : declared;
        boolean fixes = p.getSampleCount() > 0 || !own.isEmpty();
        if (fixes && types != null && !types.equals(own)) {
            throw new IllegalArgumentException("pprof sample types differ: the merged profile has " + types
                    + ", the added one " + own + (counted ? " after " + COUNT_TYPE + "/" + COUNT_UNIT : ""));
        }
        in.validate(declared.size());
        if (fixes && types == null) {
            fixTypes(own);
        }
        span(p.getTimeNanos(), p.getDurationNanos());
        if (periodType == null && p.hasPeriodType()) {
            periodType = new TypeText(in.string(p.getPeriodType().getType()), in.string(p.getPeriodType().getUnit()));
            period = p.getPeriod();
        }
        if (defaultType == null && p.getDefaultSampleType() != 0) {
            defaultType = in.string(p.getDefaultSampleType());
        }
        Merge merge = new Merge(in, extra, required, counted ? 1 : 0);
        for (Sample sample : p.getSampleList()) {
            merge.sample(sample);
        }
    }

    private void fixTypes(List<TypeText> own) {
        types = List.copyOf(own);
        width = 1 + types.size();
        totals = new long[width];
        values = new long[sampleStack.length * width];
        strings.intern(COUNT_TYPE);
        strings.intern(COUNT_UNIT);
        for (TypeText t : types) {
            strings.intern(t.type());
            strings.intern(t.unit());
        }
    }

    private void span(long timeNanos, long durationNanos) {
        if (timeNanos != 0) {
            start = Math.min(start, timeNanos);
            end = Math.max(end, timeNanos + durationNanos);
        } else {
            untimedDuration += durationNanos;
        }
    }

    /** The merging of one input's samples: its ids mapped to the merged ones, as they are first used. */
    private final class Merge {
        private final PprofTables in;
        private final Map<String, String> extra;
        private final Map<String, String> required;
        private final int offset;
        private final Map<Long, Long> locationMap = new HashMap<>();
        private final Map<Long, Long> functionMap = new HashMap<>();
        private long[] extraLabels;
        private long[] labelScratch = new long[8 * LABEL_WIDTH];

        Merge(PprofTables in, Map<String, String> extra, Map<String, String> required, int offset) {
            this.in = in;
            this.extra = extra;
            this.required = required;
            this.offset = offset;
        }

        void sample(Sample sample) {
            if (!required.isEmpty() && !matches(sample)) {
                return;
            }
            int n = sample.getLocationIdCount();
            long[] stack = new long[n];
            for (int i = 0; i < n; i++) {
                stack[i] = location(sample.getLocationId(i));
            }
            int stackId = intern(stackIds, stacks, stack);
            int labelId = intern(labelSetIds, labelSets, labels(sample));
            long key = (long) stackId << 32 | labelId;
            Integer index = sampleIndex.get(key);
            if (index == null) {
                index = newSample(stackId, labelId);
                sampleIndex.put(key, index);
            }
            int base = index * width;
            long count = offset == 1 ? sample.getValue(0) : 1;
            values[base] += count;
            totals[0] += count;
            for (int v = 1; v < width; v++) {
                long value = sample.getValue(v - 1 + offset);
                values[base + v] += value;
                totals[v] += value;
            }
        }

        /** Whether the sample, with the extra labels, has every required label. */
        private boolean matches(Sample sample) {
            for (Map.Entry<String, String> r : required.entrySet()) {
                String given = extra.get(r.getKey());
                if (given != null ? !given.equals(r.getValue()) : !hasLabel(sample, r.getKey(), r.getValue())) {
                    return false;
                }
            }
            return true;
        }

        private boolean hasLabel(Sample sample, String key, String value) {
            for (Label l : sample.getLabelList()) {
                if (in.string(l.getKey()).equals(key) && labelText(l).equals(value)) {
                    return true;
                }
            }
            return false;
        }

        private String labelText(Label l) {
            return l.getStr() != 0 ? in.string(l.getStr()) : Long.toString(l.getNum());
        }

        /** The sample's label set in merged string ids, extra labels replacing its own, sorted. */
        private long[] labels(Sample sample) {
            if (extraLabels == null) {
                extraLabels = new long[extra.size() * LABEL_WIDTH];
                int i = 0;
                for (Map.Entry<String, String> e : extra.entrySet()) {
                    extraLabels[i] = strings.intern(e.getKey());
                    extraLabels[i + 1] = strings.intern(e.getValue());
                    i += LABEL_WIDTH;
                }
            }
            int capacity = (sample.getLabelCount() + extra.size()) * LABEL_WIDTH;
            if (labelScratch.length < capacity) {
                labelScratch = new long[capacity];
            }
            int n = 0;
            for (Label l : sample.getLabelList()) {
                if (extra.containsKey(in.string(l.getKey()))) {
                    continue;
                }
                labelScratch[n] = strings.intern(in.string(l.getKey()));
                labelScratch[n + 1] = l.getStr() != 0 ? strings.intern(in.string(l.getStr())) : 0;
                labelScratch[n + 2] = l.getNum();
                labelScratch[n + 3] = l.getNumUnit() != 0 ? strings.intern(in.string(l.getNumUnit())) : 0;
                n += LABEL_WIDTH;
            }
            System.arraycopy(extraLabels, 0, labelScratch, n, extraLabels.length);
            n += extraLabels.length;
            long[] set = Arrays.copyOf(labelScratch, n);
            sortLabels(set);
            return set;
        }

        private long location(long inputId) {
            Long mapped = locationMap.get(inputId);
            if (mapped != null) {
                return mapped;
            }
            Location l = in.location(inputId);
            long[] key = new long[1 + 2 * l.getLineCount()];
            key[0] = l.getAddress();
            for (int i = 0; i < l.getLineCount(); i++) {
                Line line = l.getLine(i);
                key[1 + 2 * i] = function(line.getFunctionId());
                key[2 + 2 * i] = line.getLine();
            }
            Key k = new Key(key);
            Integer id = locationIds.get(k);
            if (id == null) {
                id = locations.size() + 1;
                Location.Builder b = Location.newBuilder().setId(id).setAddress(l.getAddress());
                for (int i = 0; i < l.getLineCount(); i++) {
                    b.addLine(Line.newBuilder().setFunctionId(key[1 + 2 * i]).setLine(key[2 + 2 * i]));
                }
                locations.add(b.build());
                locationIds.put(k, id);
            }
            locationMap.put(inputId, (long) id);
            return id;
        }

        private long function(long inputId) {
            Long mapped = functionMap.get(inputId);
            if (mapped != null) {
                return mapped;
            }
            Function f = in.function(inputId);
            int name = strings.intern(in.string(f.getName()));
            int file = strings.intern(in.string(f.getFilename()));
            long key = (long) name << 32 | file;
            Integer id = functionIds.get(key);
            if (id == null) {
                id = functions.size() + 1;
                Function.Builder b = Function.newBuilder().setId(id).setName(name).setFilename(file)
                        .setStartLine(f.getStartLine());
                if (f.getSystemName() != 0) {
                    b.setSystemName(strings.intern(in.string(f.getSystemName())));
                }
                functions.add(b.build());
                functionIds.put(key, id);
            }
            functionMap.put(inputId, (long) id);
            return id;
        }
    }

    private int newSample(int stackId, int labelId) {
        int index = samples++;
        if (index == sampleStack.length) {
            sampleStack = Arrays.copyOf(sampleStack, index * 2);
            sampleLabels = Arrays.copyOf(sampleLabels, index * 2);
        }
        if (values.length < (index + 1) * width) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, (index + 1) * width));
        }
        sampleStack[index] = stackId;
        sampleLabels[index] = labelId;
        return index;
    }

    private static int intern(Map<Key, Integer> ids, List<long[]> table, long[] content) {
        Key key = new Key(content);
        Integer id = ids.get(key);
        if (id == null) {
            id = table.size();
            table.add(content);
            ids.put(key, id);
        }
        return id;
    }

    /** Sorts the labels of a set (groups of {@link #LABEL_WIDTH} longs) so that equal sets have equal arrays. */
    private static void sortLabels(long[] set) {
        int n = set.length / LABEL_WIDTH;
        for (int i = 1; i < n; i++) {
            for (int j = i; j > 0 && compareLabels(set, j - 1, j) > 0; j--) {
                for (int k = 0; k < LABEL_WIDTH; k++) {
                    long t = set[(j - 1) * LABEL_WIDTH + k];
                    set[(j - 1) * LABEL_WIDTH + k] = set[j * LABEL_WIDTH + k];
                    set[j * LABEL_WIDTH + k] = t;
                }
            }
        }
    }

    private static int compareLabels(long[] set, int a, int b) {
        for (int k = 0; k < LABEL_WIDTH; k++) {
            int c = Long.compare(set[a * LABEL_WIDTH + k], set[b * LABEL_WIDTH + k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The merged profile's strings, each once, by first use; string 0 is the empty string. */
    private static final class StringTable {
        final List<String> list = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();

        int intern(String s) {
            Integer i = index.get(s);
            if (i == null) {
                i = list.size();
                list.add(s);
                index.put(s, i);
            }
            return i;
        }
    }
}
