package io.austin.converters.pprof;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.austin.converters.internal.ReferenceValues;
import io.austin.converters.internal.SteppedWriter;
import io.austin.converters.profile.FrameTable;
import io.austin.converters.profile.ProfileBuilder;
import io.austin.converters.profile.StackTable;
import io.austin.converters.pprof.proto.Function;
import io.austin.converters.pprof.proto.Label;
import io.austin.converters.pprof.proto.Line;
import io.austin.converters.pprof.proto.Location;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.pprof.proto.Sample;
import io.austin.converters.pprof.proto.ValueType;
import io.austin.formats.Compat;
import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.ThreadKey;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Writes samples as a pprof {@code Profile} message (spec C.4), serialised field by field so that memory
 * stays bounded: the sample types, then each sample as soon as it is complete, then at the end the locations,
 * functions and string table, which grow only with the distinct frames and threads. The bytes are those protobuf
 * gives for the whole message, fields in number order.
 *
 * <p>One sample per input sample, labelled with {@code Thread ID} ({@code iid:tid}) and {@code Process ID}; one
 * location per distinct (function, file, line), one function per (function, file). By default markers are kept as
 * frames {@code :INVALID:}/{@code :GC:} with an empty file and memory mode has the two values it declares
 * (allocated, deallocated); {@link PprofOptions#compat()} reproduces austin2pprof 1.7.1.
 *
 * <p>Not thread-safe. {@link #close()} finishes and closes the stream.
 */
public final class PprofWriter implements SteppedWriter {
    private static final String MICROS = "\u03bcs";

    private record FunctionKey(String name, String file) {
    }

    private final Map<Long, Label> interpreterLabels = new HashMap<>();

    private final OutputStream sink;
    private final GZIPOutputStream gzip;
    private final CodedOutputStream coded;
    private final Compat compat;
    private final ProfileBuilder builder = new ProfileBuilder();
    private final FrameTable frames = builder.frames();
    private final StackTable stacks = builder.stacks();

    private final Map<String, Integer> stringIndex = new HashMap<>();
    private final List<String> strings = new ArrayList<>();
    private final Map<String, Label> threadLabels = new HashMap<>();
    private final Map<Long, Label> pidLabels = new HashMap<>();
    /** The serialised label fields of each thread (by the builder's thread index), made on first use. */
    private byte[][] labelBytes = new byte[16][];
    /** The serialised location_id field of each stack (by the builder's stack id), made on first use. */
    private byte[][] stackBytes = new byte[1024][];
    private final Map<FunctionKey, Integer> functionIds = new HashMap<>();
    private final List<Function> functions = new ArrayList<>();
    /** Location id of each FrameTable id, 0 until first used. */
    private long[] locationOf = new long[256];
    /** FrameTable id and function id of each location (id - 1). */
    private int[] locationFrame = new int[256];
    private int[] locationFunction = new int[256];
    private int locations;
    private final long[] values = new long[4];
    private final Sample.Builder sample = Sample.newBuilder();
    private final Sample.Builder valueSample = Sample.newBuilder();
    private boolean typesWritten;
    private boolean finished;

    /**
     * @param out     the destination; closed by {@link #close()}
     * @param options compat and compression
     */
    public PprofWriter(OutputStream out, PprofOptions options) throws IOException {
        Objects.requireNonNull(out, "out");
        this.compat = options.compat();
        this.gzip = options.gzip() ? new GZIPOutputStream(out, 1 << 16) : null;
        this.sink = gzip != null ? gzip : out;
        this.coded = CodedOutputStream.newInstance(sink, 1 << 16);
        intern("");
    }

    @Override
    public void write(ProfileEvent event) throws IOException {
        if (finished) {
            throw new IllegalStateException("pprof writer already finished");
        }
        switch (event.type()) {
            case METADATA -> builder.metadata((Metadata) event);
            case SAMPLE -> sample((io.austin.formats.Sample) event);
        }
    }

    @Override
    public void flush() throws IOException {
        coded.flush();
        sink.flush();
    }

    @Override
    public void finish() throws IOException {
        while (finishStep()) {
            // one step does it all: the tables are bounded by the distinct frames
        }
    }

    @Override
    public boolean finishStep() throws IOException {
        if (finished) {
            return false;
        }
        finished = true;
        writeTypes();
        for (int i = 0; i < locations; i++) {
            int frame = locationFrame[i];
            coded.writeMessage(Profile.LOCATION_FIELD_NUMBER, Location.newBuilder()
                    .setId(i + 1)
                    .addLine(Line.newBuilder().setFunctionId(locationFunction[i]).setLine(frames.line(frame)))
                    .build());
        }
        for (Function f : functions) {
            coded.writeMessage(Profile.FUNCTION_FIELD_NUMBER, f);
        }
        for (String s : strings) {
            coded.writeString(Profile.STRING_TABLE_FIELD_NUMBER, s);
        }
        // pprof tools show the last sample type unless told otherwise: deallocated memory, for full and memory
        // profiles. Name the useful one (the reference leaves it unset). Fields above 6 follow the string table.
        Mode mode = builder.mode();
        if (compat == Compat.NONE && (mode == Mode.FULL || mode == Mode.MEMORY)) {
            coded.writeInt64(Profile.DEFAULT_SAMPLE_TYPE_FIELD_NUMBER,
                    stringIndex.get(mode == Mode.FULL ? "Wall time" : "Allocated memory"));
        }
        coded.flush();
        if (gzip != null) {
            gzip.finish();
        }
        sink.flush();
        return false;
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            sink.close();
        }
    }

    @Override
    public void discard() {
        finished = true; // nothing held but memory
    }

    private void writeTypes() throws IOException {
        if (typesWritten) {
            return;
        }
        typesWritten = true;
        Mode mode = builder.mode();
        if (mode == null) {
            return; // no mode and no sample: nothing to declare
        }
        switch (mode) {
            case CPU -> writeType("CPU time", MICROS);
            case MEMORY -> {
                writeType("Allocated memory", "B");
                writeType("Deallocated memory", "B");
            }
            case FULL -> {
                writeType("CPU time", MICROS);
                writeType("Wall time", MICROS);
                writeType("Allocated memory", "B");
                writeType("Deallocated memory", "B");
            }
            case WALL -> writeType("Wall time", MICROS);
        }
    }

    private void writeType(String type, String unit) throws IOException {
        long t = intern(type);
        long u = intern(unit);
        coded.writeMessage(Profile.SAMPLE_TYPE_FIELD_NUMBER, ValueType.newBuilder().setType(t).setUnit(u).build());
    }

    /**
     * Writes one sample. A {@code Sample}'s fields serialise in number order, so its bytes are the location ids'
     * bytes, the values' and the labels', each made by the generated classes: the first and last depend only on the
     * stack and the thread and are made once, which leaves one small message per sample.
     */
    private void sample(io.austin.formats.Sample s) throws IOException {
        int stackId = builder.stack(s);
        if (ReferenceValues.dropped(compat, s)) {
            return; // austin-python cannot parse a marker's empty line number and drops the sample
        }
        writeTypes();
        byte[] labels = labels(builder.thread(s.thread()), s.thread());
        byte[] stack = stack(stackId);
        valueSample.clear();
        int n = compat == Compat.NONE ? builder.values(s, values)
                : ReferenceValues.values(builder.mode(), compat, s, values);
        for (int i = 0; i < n; i++) {
            valueSample.addValue(values[i]);
        }
        Sample valuePart = valueSample.build();
        coded.writeTag(Profile.SAMPLE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        coded.writeUInt32NoTag(stack.length + valuePart.getSerializedSize() + labels.length);
        coded.writeRawBytes(stack);
        valuePart.writeTo(coded);
        coded.writeRawBytes(labels);
    }

    /**
     * The label fields; interns "Thread ID", the thread, "Process ID", the pid, in that order, on first use. The
     * thread is {@code iid:tid}; austin2pprof 2.2.0 labels the bare tid and adds "Interpreter ID".
     */
    private byte[] labels(int index, ThreadKey key) {
        if (index >= labelBytes.length) {
            labelBytes = Arrays.copyOf(labelBytes, Math.max(labelBytes.length * 2, index + 1));
        }
        byte[] bytes = labelBytes[index];
        if (bytes == null) {
            long pid = key.pid();
            long iid = key.iid();
            String threadText = compat == Compat.AUSTIN_PYTHON_2_2 ? key.textTid() : key.textName();
            Label thread = threadLabels.get(threadText);
            if (thread == null) {
                thread = Label.newBuilder().setKey(intern("Thread ID")).setStr(intern(threadText)).build();
                threadLabels.put(threadText, thread);
            }
            Label process = pidLabels.get(pid);
            if (process == null) {
                process = Label.newBuilder().setKey(intern("Process ID")).setStr(intern(Long.toString(pid))).build();
                pidLabels.put(pid, process);
            }
            Sample.Builder b = Sample.newBuilder().addLabel(thread).addLabel(process);
            if (compat == Compat.AUSTIN_PYTHON_2_2 && iid >= 0) {
                Label interpreter = interpreterLabels.get(iid);
                if (interpreter == null) {
                    interpreter = Label.newBuilder().setKey(intern("Interpreter ID")).setStr(intern(Long.toString(iid)))
                            .build();
                    interpreterLabels.put(iid, interpreter);
                }
                b.addLabel(interpreter);
            }
            bytes = b.build().toByteArray();
            labelBytes[index] = bytes;
        }
        return bytes;
    }

    /** The location_id field of the sample's stack, leaf first; creates the locations on the stack's first use. */
    private byte[] stack(int id) {
        if (id >= stackBytes.length) {
            stackBytes = Arrays.copyOf(stackBytes, Math.max(stackBytes.length * 2, id + 1));
        }
        byte[] bytes = stackBytes[id];
        if (bytes == null) {
            sample.clear();
            for (int i = stacks.length(id) - 1; i >= 0; i--) {
                sample.addLocationId(location(stacks.item(id, i)));
            }
            bytes = sample.build().toByteArray();
            stackBytes[id] = bytes;
        }
        return bytes;
    }

    private long location(int frame) {
        if (frame >= locationOf.length) {
            locationOf = Arrays.copyOf(locationOf, Math.max(locationOf.length * 2, frame + 1));
        }
        long id = locationOf[frame];
        if (id != 0) {
            return id;
        }
        if (locations == locationFrame.length) {
            locationFrame = Arrays.copyOf(locationFrame, locations * 2);
            locationFunction = Arrays.copyOf(locationFunction, locations * 2);
        }
        locationFrame[locations] = frame;
        locationFunction[locations] = function(frames.scope(frame), frames.file(frame));
        id = ++locations;
        locationOf[frame] = id;
        return id;
    }

    private int function(String name, String file) {
        FunctionKey key = new FunctionKey(name, file);
        Integer id = functionIds.get(key);
        if (id == null) {
            id = functions.size() + 1;
            long nameIndex = intern(name);
            long fileIndex = intern(file);
            functions.add(Function.newBuilder().setId(id).setName(nameIndex).setFilename(fileIndex).build());
            functionIds.put(key, id);
        }
        return id;
    }

    private int intern(String s) {
        Integer i = stringIndex.get(s);
        if (i == null) {
            i = strings.size();
            strings.add(s);
            stringIndex.put(s, i);
        }
        return i;
    }
}
