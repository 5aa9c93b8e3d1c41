package io.austin.fleet.pprof;

import io.austin.converters.pprof.proto.Function;
import io.austin.converters.pprof.proto.Label;
import io.austin.converters.pprof.proto.Line;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.pprof.proto.ValueType;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a pprof profile written by {@link io.austin.converters.pprof.PprofWriter}, merged by {@link PprofMerger} or
 * not, back into Austin's event model, so that the converters ({@code io.austin.converters.Conversions}) can render
 * it as collapsed text, speedscope or an HTML flame graph.
 *
 * <p>The events are a header ({@code mode}, from the sample types as {@code PprofWriter} writes them per mode;
 * {@code interval} in µs when the profile has a time {@code period}), one or two {@link Sample}s per pprof sample, and
 * a footer {@code duration} in µs when the profile has {@code duration_nanos}.
 *
 * <p>Each pprof sample gives one {@code Sample} whose metrics are the sample's values, even when its
 * {@value PprofMerger#COUNT_TYPE} count says that it stands for several Austin samples: the count itself has no place
 * in the event model. The values of a combined sample cannot always be those of one Austin sample; it then gives two
 * samples of the same thread and stack whose values add up to its own: in memory mode when it has both allocated
 * and deallocated memory (one sample each), in full mode when its CPU time is neither 0 nor its wall time (a running
 * sample with the CPU time, an idle one with the rest) or when it has both allocated and deallocated memory. An
 * uncombined sample of {@code PprofWriter} always gives one sample.
 *
 * <p>The thread comes from the labels {@code Process ID} and {@code Thread ID} ({@code <iid>:<tid>} with a decimal
 * tid, or the tid alone; austin-python 2.2.0's bare tid with {@code Interpreter ID} too), inverted as Austin's text
 * reader inverts a text line's thread; without them, pid 0 and tid {@code 0}. Other labels are dropped. Frames are
 * root first, from each location's lines (inlined callee first) leaf to root, as (filename, function name, line);
 * the {@code :INVALID:} root and {@code :GC:} leaf pseudo-frames (empty file) become the samples' markers, and a frame
 * of file {@code kernel} and line 0 a kernel frame.
 */
public final class PprofEvents {
    private static final String INVALID_SCOPE = ":INVALID:";
    private static final String GC_SCOPE = ":GC:";

    private PprofEvents() {
    }

    /**
     * The events of {@code pprof} (gzip-compressed or raw): header metadata, samples, footer metadata.
     *
     * @throws IllegalArgumentException when the bytes are not a pprof profile, or its sample types are not those of
     *                                  an Austin mode
     */
    public static List<ProfileEvent> events(byte[] pprof) {
        return new Reader(PprofCodec.decode(pprof)).events();
    }

    /** The mode whose values {@code PprofWriter} writes under these sample type names (count aside), or null. */
    static Mode mode(List<String> typeNames) {
        return switch (String.join("|", typeNames)) {
            case "Wall time" -> Mode.WALL;
            case "CPU time" -> Mode.CPU;
            case "Allocated memory|Deallocated memory" -> Mode.MEMORY;
            case "CPU time|Wall time|Allocated memory|Deallocated memory" -> Mode.FULL;
            default -> null;
        };
    }

    /** The frames of one stack, root first, and the markers its pseudo-frames stand for. */
    private record Stack(List<FrameRef> frames, int markers) {
    }

    /** The reading of one profile. */
    private static final class Reader {
        private final Profile p;
        private final PprofTables tables;
        private final Map<List<Long>, Stack> stacks = new HashMap<>();
        private final Map<Frame, FrameRef> frames = new HashMap<>();
        private final Map<List<String>, ThreadKey> threads = new HashMap<>();
        private final List<ProfileEvent> out = new ArrayList<>();
        private Mode mode;
        private int offset;

        Reader(Profile p) {
            this.p = p;
            this.tables = new PprofTables(p);
        }

        List<ProfileEvent> events() {
            List<String> names = new ArrayList<>();
            for (ValueType t : p.getSampleTypeList()) {
                names.add(string(t.getType()));
            }
            if (!names.isEmpty() && PprofMerger.COUNT_TYPE.equals(names.get(0))
                    && PprofMerger.COUNT_UNIT.equals(string(p.getSampleType(0).getUnit()))) {
                offset = 1;
            }
            List<String> own = names.subList(offset, names.size());
            mode = mode(own);
            if (mode == null && !(own.isEmpty() && p.getSampleCount() == 0)) {
                throw new IllegalArgumentException("not an Austin pprof profile: sample types " + own
                        + " are those of no Austin mode");
            }
            if (mode != null) {
                out.add(new Metadata("mode", mode.text()));
            }
            long interval = intervalMicros();
            if (interval > 0) {
                out.add(new Metadata("interval", Long.toString(interval)));
            }
            int width = offset + own.size();
            for (io.austin.converters.pprof.proto.Sample s : p.getSampleList()) {
                if (s.getValueCount() < width && !(mode == Mode.MEMORY && s.getValueCount() == offset + 1)) {
                    throw new IllegalArgumentException("a pprof sample has " + s.getValueCount() + " values for "
                            + width + " sample types");
                }
                sample(s);
            }
            if (p.getDurationNanos() > 0) {
                out.add(new Metadata("duration", Long.toString(p.getDurationNanos() / 1000)));
            }
            return out;
        }

        /** The period in µs when its unit is one of time, else 0. */
        private long intervalMicros() {
            if (!p.hasPeriodType() || p.getPeriod() <= 0) {
                return 0;
            }
            return switch (string(p.getPeriodType().getUnit())) {
                case "ns", "nanoseconds" -> p.getPeriod() / 1000;
                case "\u00b5s", "\u03bcs", "us", "microseconds" -> p.getPeriod();
                case "ms", "milliseconds" -> p.getPeriod() * 1000;
                case "s", "seconds" -> p.getPeriod() * 1_000_000;
                default -> 0;
            };
        }

        private void sample(io.austin.converters.pprof.proto.Sample s) {
            ThreadKey thread = thread(s);
            Stack stack = stack(s.getLocationIdList());
            List<FrameRef> f = stack.frames();
            int m = stack.markers();
            switch (mode) {
                case WALL, CPU -> out.add(Sample.timed(thread, f, m, s.getValue(offset)));
                case MEMORY -> {
                    if (s.getValueCount() == offset + 1) { // austin2pprof 1.7.1: one signed value
                        memory(thread, f, m, s.getValue(offset));
                        return;
                    }
                    long allocated = s.getValue(offset);
                    long deallocated = s.getValue(offset + 1);
                    if (allocated != 0 && deallocated != 0) {
                        memory(thread, f, m, allocated);
                        memory(thread, f, m, -deallocated);
                    } else {
                        memory(thread, f, m, allocated - deallocated);
                    }
                }
                case FULL -> full(thread, stack, s.getValue(offset), s.getValue(offset + 1), s.getValue(offset + 2),
                        s.getValue(offset + 3));
            }
        }

        private void memory(ThreadKey thread, List<FrameRef> f, int markers, long delta) {
            out.add(new Sample(thread, f, markers | Sample.MEMORY, 0, delta));
        }

        /** One full-mode sample when the values allow it, else two that add up to them. */
        private void full(ThreadKey thread, Stack stack, long cpu, long wall, long allocated, long deallocated) {
            boolean timeFits = cpu == 0 || cpu == wall;
            boolean memoryFits = allocated == 0 || deallocated == 0;
            if (timeFits) {
                boolean idle = cpu == 0 && wall != 0;
                if (memoryFits) {
                    full(thread, stack, wall, idle, allocated - deallocated);
                } else {
                    full(thread, stack, wall, idle, allocated);
                    full(thread, stack, 0, idle, -deallocated);
                }
            } else if (memoryFits) {
                full(thread, stack, cpu, false, allocated - deallocated);
                full(thread, stack, wall - cpu, true, 0);
            } else {
                full(thread, stack, cpu, false, allocated);
                full(thread, stack, wall - cpu, true, -deallocated);
            }
        }

        private void full(ThreadKey thread, Stack stack, long time, boolean idle, long memory) {
            int flags = stack.markers() | Sample.TIME | Sample.MEMORY | (idle ? Sample.IDLE : 0);
            out.add(new Sample(thread, stack.frames(), flags, time, memory));
        }

        /** The thread of the labels, as Austin's text reader reads a thread (see CollapsedReader). */
        private ThreadKey thread(io.austin.converters.pprof.proto.Sample s) {
            String pid = null;
            String tid = null;
            String iid = null;
            for (Label l : s.getLabelList()) {
                switch (string(l.getKey())) {
                    case "Process ID" -> pid = labelText(l);
                    case "Thread ID" -> tid = labelText(l);
                    case "Interpreter ID" -> iid = labelText(l);
                    default -> {
                        // service, host, ...: not part of the event model
                    }
                }
            }
            List<String> key = Arrays.asList(pid, tid, iid);
            ThreadKey thread = threads.get(key);
            if (thread == null) {
                thread = threadKey(pid, tid, iid);
                threads.put(key, thread);
            }
            return thread;
        }

        private String labelText(Label l) {
            return l.getStr() != 0 ? string(l.getStr()) : Long.toString(l.getNum());
        }

        private Stack stack(List<Long> ids) {
            Stack stack = stacks.get(ids);
            if (stack != null) {
                return stack;
            }
            List<Frame> leafFirst = new ArrayList<>();
            for (long id : ids) {
                for (Line line : tables.location(id).getLineList()) { // inlined callee first: leaf first too
                    Function f = tables.function(line.getFunctionId());
                    String name = string(f.getName());
                    if (name.isEmpty()) {
                        name = string(f.getSystemName());
                    }
                    leafFirst.add(Frame.of(string(f.getFilename()), name, line.getLine()));
                }
            }
            int markers = 0;
            int from = leafFirst.size() - 1;
            int to = 0;
            if (from >= 0 && isMarker(leafFirst.get(from), INVALID_SCOPE)) {
                markers |= Sample.INVALID;
                from--;
            }
            if (to <= from && isMarker(leafFirst.get(to), GC_SCOPE)) {
                markers |= Sample.GC;
                to++;
            }
            List<FrameRef> rootFirst = new ArrayList<>(from - to + 1);
            for (int i = from; i >= to; i--) {
                rootFirst.add(ref(leafFirst.get(i)));
            }
            stack = new Stack(List.copyOf(rootFirst), markers);
            stacks.put(List.copyOf(ids), stack);
            return stack;
        }

        private FrameRef ref(Frame frame) {
            return frames.computeIfAbsent(frame, f -> FrameRef.KERNEL_FILE.equals(f.file()) && f.line() == 0
                    ? FrameRef.kernel(f.scope()) : FrameRef.of(f));
        }

        private String string(long index) {
            return tables.string(index);
        }
    }

    private static boolean isMarker(Frame f, String scope) {
        return f.file().isEmpty() && f.scope().equals(scope) && f.line() == 0;
    }

    /**
     * The thread key of the label texts: {@code Thread ID} {@code <iid>:<tid>} or {@code <tid>}, the tid in decimal
     * back to MOJO's hexadecimal (a tid that is not canonical decimal is a name, kept as it is).
     */
    static ThreadKey threadKey(String pid, String tid, String iid) {
        long process = pid == null ? 0 : parseOr(pid, 0);
        if (tid == null) {
            return new ThreadKey(process, iid == null ? ThreadKey.NO_IID : parseOr(iid, ThreadKey.NO_IID), "0");
        }
        if (iid != null) { // austin-python 2.2.0: the bare tid, the interpreter apart
            return new ThreadKey(process, parseOr(iid, ThreadKey.NO_IID), decimalToHex(tid));
        }
        int colon = tid.indexOf(':');
        long interpreter = colon < 0 ? ThreadKey.NO_IID : parseOr(tid.substring(0, colon), ThreadKey.NO_IID);
        if (interpreter < 0) {
            return new ThreadKey(process, ThreadKey.NO_IID, decimalToHex(tid));
        }
        return new ThreadKey(process, interpreter, decimalToHex(tid.substring(colon + 1)));
    }

    /** A non-negative decimal number, or {@code otherwise}. */
    private static long parseOr(String text, long otherwise) {
        if (text.isEmpty() || text.length() > 18) {
            return otherwise;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return otherwise;
            }
        }
        return Long.parseLong(text);
    }

    /** MOJO's hexadecimal form of a canonical decimal tid; anything else is a name, kept as it is. */
    private static String decimalToHex(String text) {
        long value = parseOr(text, -1);
        if (value < 0 || text.length() > 1 && text.charAt(0) == '0') {
            return text;
        }
        return Long.toHexString(value);
    }
}
