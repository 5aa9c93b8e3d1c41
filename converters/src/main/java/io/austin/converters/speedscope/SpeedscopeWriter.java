package io.austin.converters.speedscope;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.austin.converters.internal.ReferenceValues;
import io.austin.converters.internal.SpillStore;
import io.austin.converters.internal.SteppedWriter;
import io.austin.converters.profile.FrameTable;
import io.austin.converters.profile.ProfileBuilder;
import io.austin.converters.profile.StackTable;
import io.austin.formats.Compat;
import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes samples as one speedscope document (spec C.3), in the exact bytes Python's {@code json.dump} gives.
 *
 * <p>The document lists all frames and each profile's total weight before any sample, so nothing can be written
 * until the input ends. Samples therefore go, as a stack id and a weight each, into temporary storage per profile
 * (a block in memory, the rest spilled to a temporary file); the stacks themselves are interned. Memory grows with
 * the distinct frames, stacks and profiles, not with the samples. The document is written by {@link #finish()}.
 *
 * <p>One profile per (process, thread, kind): kinds are CPU and wall time, memory allocation and deallocation,
 * by mode. By default every sample with a non-zero value is kept: {@code :INVALID:} and {@code :GC:} appear as
 * frames with an empty file, samples without frames as empty stacks, memory deltas are split by sign into the
 * allocation and deallocation profiles. {@link SpeedscopeOptions#compat()} reproduces austin2speedscope 1.7.1.
 *
 * <p>Not thread-safe. {@link #close()} finishes, removes the temporary file and closes the stream.
 */
public final class SpeedscopeWriter implements SteppedWriter {
    private static final String SCHEMA = "https://www.speedscope.app/file-format-schema.json";
    private static final String EXPORTER_1_7 = "Austin2Speedscope Converter 0.2.1";
    private static final String EXPORTER_2_2 = "Austin2Speedscope Converter 0.3.1";
    private static final String EXPORTER = "Austin for the JVM speedscope converter";
    private static final int SAMPLES_PER_STEP = 4096;
    /** Stack arrays are printed once and reused up to this many characters in all. */
    private static final long STACK_TEXT_BUDGET = 16L << 20;
    /** Nesting level of a stack array: document, profiles, profile, samples. */
    private static final int STACK_LEVEL = 4;
    private static final JsonFactory JSON = new JsonFactory();
    private static final PythonJson.Escapes ESCAPES = new PythonJson.Escapes();

    /** The profile kinds, in the reference's order. */
    private enum Kind {
        CPU("CPU time", "microseconds"),
        WALL("Wall time", "microseconds"),
        ALLOC("Memory allocation", "bytes"),
        DEALLOC("Memory deallocation", "bytes");

        final String prefix;
        final String unit;

        Kind(String prefix, String unit) {
            this.prefix = prefix;
            this.unit = unit;
        }
    }

    private static final Kind[] CPU = {Kind.CPU};
    private static final Kind[] WALL = {Kind.WALL};
    private static final Kind[] MEMORY_REFERENCE = {Kind.ALLOC};
    private static final Kind[] MEMORY = {Kind.ALLOC, Kind.DEALLOC};
    private static final Kind[] FULL = {Kind.CPU, Kind.WALL, Kind.ALLOC, Kind.DEALLOC};

    private static final class Profile {
        final String name;
        final String sortKey;
        final Kind kind;
        final SpillStore.Stream samples;
        long endValue;

        Profile(String name, Kind kind, SpillStore.Stream samples) {
            this.name = name;
            this.sortKey = lastToken(name);
            this.kind = kind;
            this.samples = samples;
        }
    }

    private final OutputStream out;
    private final SpeedscopeOptions options;
    private final ProfileBuilder builder = new ProfileBuilder();
    private final FrameTable frames = builder.frames();
    private final SpillStore store;
    private final StackTable stacks = builder.stacks();
    /** Whether each stack was already used in a profile (its frames then have speedscope indices). */
    private boolean[] used = new boolean[1024];
    /** Each stack's JSON text, printed on first use while within budget. */
    private SerializedString[] stackText = new SerializedString[1024];
    private long stackTextSize;
    private final List<Profile> created = new ArrayList<>();
    /** Speedscope frame index of each FrameTable id, -1 until the frame is first used. */
    private int[] frameIndex = new int[256];
    /** FrameTable id of each speedscope frame index. */
    private int[] frameOrder = new int[256];
    private int frameCount;
    private final StringBuilder text = new StringBuilder();
    private final long[] values = new long[4];
    /** Each thread's profiles by kind, by the builder's thread index. */
    private Profile[][] byThread = new Profile[16][];

    // Finishing state.
    private JsonGenerator json;
    /** What the next finishing step writes: the head, then per profile its head, samples and weights, the tail. */
    private enum Phase {
        HEAD, PROFILE, SAMPLES, WEIGHTS, TAIL
    }

    private Phase phase = Phase.HEAD;
    private int profileIndex;
    private SpillStore.Reader reader;
    private boolean finished;

    /**
     * @param out     the destination; closed by {@link #close()}
     * @param options compat, document name and layout
     */
    public SpeedscopeWriter(OutputStream out, SpeedscopeOptions options) {
        this(out, options, new SpillStore());
    }

    /** A writer that spills to {@code store} (tests use tiny blocks). */
    SpeedscopeWriter(OutputStream out, SpeedscopeOptions options, SpillStore store) {
        this.out = Objects.requireNonNull(out, "out");
        this.options = Objects.requireNonNull(options, "options");
        this.store = store;
        Arrays.fill(frameIndex, -1);
    }

    @Override
    public void write(ProfileEvent event) throws IOException {
        if (json != null) {
            throw new IllegalStateException("speedscope writer already finishing");
        }
        switch (event.type()) {
            case METADATA -> builder.metadata((Metadata) event);
            case SAMPLE -> sample((Sample) event);
        }
    }

    @Override
    public void flush() throws IOException {
        // Nothing is written before the end: the document needs every sample first.
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        while (finishStep()) {
            // each step writes a bounded part of the document
        }
    }

    @Override
    public boolean finishStep() throws IOException {
        if (finished) {
            return false;
        }
        if (json == null) {
            json = JSON.createGenerator(out, JsonEncoding.UTF8);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.setCharacterEscapes(ESCAPES);
            json.setPrettyPrinter(new PythonJson.Printer(options.indent()));
            // Python's sort is stable: profiles of one thread stay in creation order.
            created.sort((a, b) -> compareCodePoints(a.sortKey, b.sortKey));
        }
        switch (phase) {
            case HEAD -> {
                writeHead();
                phase = created.isEmpty() ? Phase.TAIL : Phase.PROFILE;
            }
            case PROFILE -> {
                writeProfileHead(created.get(profileIndex));
                reader = created.get(profileIndex).samples.reader();
                phase = Phase.SAMPLES;
            }
            case SAMPLES -> {
                if (writeSamples()) {
                    json.writeEndArray();
                    json.writeFieldName("weights");
                    json.writeStartArray();
                    reader = created.get(profileIndex).samples.reader();
                    phase = Phase.WEIGHTS;
                }
            }
            case WEIGHTS -> {
                if (writeWeights()) {
                    json.writeEndArray();
                    json.writeStringField("type", "sampled");
                    json.writeEndObject();
                    reader = null;
                    profileIndex++;
                    phase = profileIndex < created.size() ? Phase.PROFILE : Phase.TAIL;
                }
            }
            case TAIL -> {
                json.writeEndArray();
                json.writeStringField("name", options.name());
                json.writeStringField("exporter", exporter(options.compat()));
                json.writeEndObject();
                json.flush();
                finished = true;
                store.close();
                return false;
            }
        }
        json.flush();
        return true;
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            try {
                store.close();
            } finally {
                out.close();
            }
        }
    }

    @Override
    public void discard() throws IOException {
        finished = true;
        store.close();
    }

    // ---- collecting ----------------------------------------------------------------------------------------------

    private void sample(Sample s) throws IOException {
        Compat compat = options.compat();
        int stack = builder.stack(s);
        if (ReferenceValues.dropped(compat, s)) {
            return; // austin-python cannot parse a marker's empty line number and drops the sample
        }
        if (compat != Compat.NONE && stacks.length(stack) == 0) {
            return; // the reference skips samples without frames
        }
        Mode mode = builder.mode();
        Kind[] kinds = kinds(mode, compat);
        int n = Math.min(compat == Compat.NONE ? builder.values(s, values)
                : ReferenceValues.values(mode, compat, s, values), kinds.length);
        int stackId = -1;
        for (int k = 0; k < n; k++) {
            long weight = values[k];
            if (weight == 0) {
                continue;
            }
            if (stackId < 0) {
                stackId = use(stack);
            }
            Profile p = profile(builder.thread(s.thread()), s, kinds[k]);
            p.samples.writeVarint(stackId);
            p.samples.writeSigned(weight);
            p.endValue += weight;
        }
    }

    private static String exporter(Compat compat) {
        return switch (compat) {
            case AUSTIN_PYTHON_1_7 -> EXPORTER_1_7;
            case AUSTIN_PYTHON_2_2 -> EXPORTER_2_2;
            case NONE -> EXPORTER;
        };
    }

    private static Kind[] kinds(Mode mode, Compat compat) {
        if (mode == null) {
            return WALL;
        }
        return switch (mode) {
            case CPU -> CPU;
            case MEMORY -> compat == Compat.AUSTIN_PYTHON_1_7 ? MEMORY_REFERENCE : MEMORY;
            case FULL -> FULL;
            case WALL -> WALL;
        };
    }

    /** Gives the stack's frames speedscope indices the first time a profile gets it, as the reference does. */
    private int use(int stack) {
        if (stack >= used.length) {
            used = Arrays.copyOf(used, Math.max(used.length * 2, stack + 1));
        }
        if (used[stack]) {
            return stack;
        }
        used[stack] = true;
        int length = stacks.length(stack);
        for (int i = 0; i < length; i++) {
            int id = stacks.item(stack, i);
            if (id >= frameIndex.length) {
                int old = frameIndex.length;
                frameIndex = Arrays.copyOf(frameIndex, Math.max(old * 2, id + 1));
                Arrays.fill(frameIndex, old, frameIndex.length, -1);
            }
            if (frameIndex[id] < 0) {
                int index = frameCount++;
                frameIndex[id] = index;
                if (index == frameOrder.length) {
                    frameOrder = Arrays.copyOf(frameOrder, index * 2);
                }
                frameOrder[index] = id;
            }
        }
        return stack;
    }

    /** The stack as a JSON array of speedscope frame indices, laid out as the printer would. */
    private SerializedString stackText(int stack) {
        if (stack < stackText.length && stackText[stack] != null) {
            return stackText[stack];
        }
        StringBuilder b = text;
        b.setLength(0);
        int length = stacks.length(stack);
        b.append('[');
        int indent = options.indent();
        for (int i = 0; i < length; i++) {
            if (indent < 0) {
                if (i > 0) {
                    b.append(", ");
                }
            } else {
                b.append(i > 0 ? ",\n" : "\n");
                pad(b, indent * (STACK_LEVEL + 1));
            }
            b.append(frameIndex[stacks.item(stack, i)]);
        }
        if (indent >= 0 && length > 0) {
            b.append('\n');
            pad(b, indent * STACK_LEVEL);
        }
        b.append(']');
        SerializedString json = new SerializedString(b.toString());
        if (stackTextSize + b.length() <= STACK_TEXT_BUDGET) {
            if (stack >= stackText.length) {
                stackText = Arrays.copyOf(stackText, Math.max(stackText.length * 2, stack + 1));
            }
            stackText[stack] = json;
            stackTextSize += b.length();
        }
        return json;
    }

    private static void pad(StringBuilder b, int n) {
        for (int i = 0; i < n; i++) {
            b.append(' ');
        }
    }

    private Profile profile(int thread, Sample s, Kind kind) {
        if (thread >= byThread.length) {
            byThread = Arrays.copyOf(byThread, Math.max(byThread.length * 2, thread + 1));
        }
        Profile[] byKind = byThread[thread];
        if (byKind == null) {
            byKind = new Profile[Kind.values().length];
            byThread[thread] = byKind;
        }
        Profile p = byKind[kind.ordinal()];
        if (p == null) {
            p = new Profile(kind.prefix + " profile for " + s.thread().pid() + ":" + s.thread().textName(), kind,
                    store.newStream());
            created.add(p);
            byKind[kind.ordinal()] = p;
        }
        return p;
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    private void writeHead() throws IOException {
        json.writeStartObject();
        json.writeStringField("$schema", SCHEMA);
        json.writeFieldName("shared");
        json.writeStartObject();
        json.writeFieldName("frames");
        json.writeStartArray();
        for (int i = 0; i < frameCount; i++) {
            int id = frameOrder[i];
            json.writeStartObject();
            json.writeStringField("name", frames.scope(id));
            json.writeStringField("file", frames.file(id));
            json.writeNumberField("line", frames.line(id));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeFieldName("profiles");
        json.writeStartArray();
    }

    private void writeProfileHead(Profile p) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", p.name);
        json.writeStringField("unit", p.kind.unit);
        json.writeNumberField("startValue", 0);
        json.writeNumberField("endValue", p.endValue);
        json.writeFieldName("samples");
        json.writeStartArray();
    }

    /** Writes a batch of stacks; true when the profile's samples are exhausted. */
    private boolean writeSamples() throws IOException {
        for (int i = 0; i < SAMPLES_PER_STEP; i++) {
            if (!reader.hasNext()) {
                return true;
            }
            int id = (int) reader.readVarint();
            reader.readSigned();
            json.writeRawValue(stackText(id));
        }
        return !reader.hasNext();
    }

    /** Writes a batch of weights; true when the profile's samples are exhausted. */
    private boolean writeWeights() throws IOException {
        for (int i = 0; i < SAMPLES_PER_STEP * 8; i++) {
            if (!reader.hasNext()) {
                return true;
            }
            reader.readVarint();
            json.writeNumber(reader.readSigned());
        }
        return !reader.hasNext();
    }

    /** The text after the last white space, as Python's {@code name.split()[-1]}. */
    static String lastToken(String name) {
        int end = name.length();
        while (end > 0 && isPythonSpace(name.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && !isPythonSpace(name.charAt(start - 1))) {
            start--;
        }
        return name.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Python compares strings by code point; Java's compareTo by UTF-16 unit, which differs above U+FFFF. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
