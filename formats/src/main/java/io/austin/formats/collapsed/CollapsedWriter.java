package io.austin.formats.collapsed;

import io.austin.formats.Compat;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.GcMarker;
import io.austin.formats.IdleMarker;
import io.austin.formats.InvalidFrame;
import io.austin.formats.KernelFrame;
import io.austin.formats.MemoryMetric;
import io.austin.formats.Metadata;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEventWriter;
import io.austin.formats.StackHeader;
import io.austin.formats.StringRef;
import io.austin.formats.TimeMetric;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes Austin's collapsed-stack text (spec Part A): {@code # key: value} metadata lines and one line per sample,
 * {@code P<pid>;T<iid>:<tid>;file:scope:line;... <metrics>}, with metrics {@code T}, {@code M} or
 * {@code T,I,M} (full mode). Thread ids arrive in MOJO's hexadecimal form and are printed in decimal.
 *
 * <p>{@link Layout#AUSTIN} adds the empty lines Austin prints after the header, before the footer and at the end;
 * {@link Layout#PLAIN} prints none, as {@code mojo2austin} does. A sample line is written as soon as its metrics
 * are complete, so output streams. {@link Compat} reproduces the reference converters' output exactly.
 *
 * <p>Not thread-safe. {@link #close()} completes the output and closes the stream.
 */
public final class CollapsedWriter implements StackEventWriter {
    /** Where empty separator lines go. */
    public enum Layout {
        /** As Austin prints: one empty line after the header, one before the footer, one at the end. */
        AUSTIN,
        /** No empty lines, as mojo2austin prints. */
        PLAIN
    }

    /**
     * Writer options.
     *
     * @param layout the separator lines
     * @param compat whose quirks to reproduce
     */
    public record Options(Layout layout, Compat compat) {
        public Options {
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(compat, "compat");
        }

        /** Austin's own layout, no quirks: what {@code austin} itself prints. */
        public static Options defaults() {
            return new Options(Layout.AUSTIN, Compat.NONE);
        }

        /** The layout of {@code mojo2austin} output (no separator lines), no quirks. */
        public static Options mojo2austin() {
            return new Options(Layout.PLAIN, Compat.NONE);
        }

        /** The same options with another layout. */
        public Options withLayout(Layout value) {
            return new Options(value, compat);
        }

        /** The same options with another compat setting. */
        public Options withCompat(Compat value) {
            return new Options(layout, value);
        }
    }

    private static final int FLUSH_THRESHOLD = 1 << 16;
    private static final int MAX_CACHED = 1 << 20;
    private static final byte[] INVALID = ";:INVALID:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GC = ";:GC:".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final Layout layout;
    private final Compat compat;

    private byte[] buf = new byte[FLUSH_THRESHOLD + 4096];
    private int len;
    /** The current sample's line, held until its metrics are known. */
    private byte[] line = new byte[4096];
    private int lineLen;

    private boolean inSample;
    private boolean lineComplete;
    private boolean sampleSeen;
    private boolean footerStarted;
    private boolean fullMode;
    private boolean finished;

    // The current sample's metrics.
    private boolean hasTime;
    private boolean hasMemory;
    private boolean idle;
    private long time;
    private long memory;
    /** austin-python 1.7.1 keeps full-mode metrics in a list in arrival order; IDLE appends 1. */
    private final long[] compatList = new long[8];
    private int compatCount;

    private final Map<Frame, byte[]> frameText = new IdentityHashMap<>();
    private final Map<String, byte[]> threadText = new HashMap<>();
    private long lastPid = Long.MIN_VALUE;
    private byte[] lastPidText;

    /** A writer with {@link Options#defaults()}. */
    public CollapsedWriter(OutputStream out) {
        this(out, Options.defaults());
    }

    /**
     * @param out     the destination; closed by {@link #close()}
     * @param options layout and compat
     */
    public CollapsedWriter(OutputStream out, Options options) {
        this.out = Objects.requireNonNull(out, "out");
        this.layout = options.layout();
        this.compat = options.compat();
    }

    /**
     * The thread of a sample as a text line names it after {@code T}: {@code <iid>:<tid>} with the hexadecimal MOJO
     * tid printed in decimal (a tid that is not hexadecimal as it is), or just the tid when there is no iid. This is
     * the thread string the reference speedscope and pprof converters put into profile names and labels.
     */
    public static String threadName(StackHeader header) {
        String decimal = ThreadIds.hexToDecimal(header.tid());
        String tid = decimal != null ? decimal : header.tid();
        return header.hasIid() ? header.iid() + ":" + tid : tid;
    }

    @Override
    public void write(StackEvent event) throws IOException {
        if (finished) {
            throw new IllegalStateException("text writer already finished");
        }
        if (event instanceof FrameRef) {
            if (inSample) {
                appendFrame(((FrameRef) event).frame());
            }
        } else if (event instanceof StackHeader) {
            endSample(true);
            startSample((StackHeader) event);
        } else if (event instanceof TimeMetric) {
            metric(true, ((TimeMetric) event).value());
        } else if (event instanceof MemoryMetric) {
            metric(false, ((MemoryMetric) event).value());
        } else if (event instanceof IdleMarker) {
            if (inSample && !lineComplete) {
                idle = true;
                if (compatCount < compatList.length) {
                    compatList[compatCount++] = 1;
                }
            }
        } else if (event instanceof Metadata) {
            // mojo2austin 2.2.0 prints metadata at once but a sample only when the next one starts.
            if (compat != Compat.AUSTIN_PYTHON_2_2) {
                endSample(true);
            }
            metadata((Metadata) event);
        } else if (event instanceof InvalidFrame) {
            if (inSample && !lineComplete && compat != Compat.AUSTIN_PYTHON_2_2) {
                appendLine(INVALID);
            }
        } else if (event instanceof GcMarker) {
            if (inSample && !lineComplete && compat != Compat.AUSTIN_PYTHON_2_2) {
                appendLine(GC);
            }
        } else if (event instanceof KernelFrame) {
            if (inSample && !lineComplete) {
                appendLine(";kernel:" + ((KernelFrame) event).scope() + ":0");
            }
        } else if (event instanceof StringRef) {
            // mojo2austin 1.7.1 prints a string reference's text where it stands; it is not a frame, so by
            // default it is left out.
            if (compat == Compat.AUSTIN_PYTHON_1_7 && inSample && !lineComplete) {
                appendLine(((StringRef) event).value());
            }
        }
        // StringDef and FrameDef carry nothing the text shows.
        if (len >= FLUSH_THRESHOLD) {
            drain();
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        if (finished) {
            flush();
            return;
        }
        endSample(false);
        if (layout == Layout.AUSTIN && footerStarted) {
            put((byte) '\n');
        }
        finished = true;
        flush();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    private void metadata(Metadata m) {
        if (layout == Layout.AUSTIN) {
            if ((sampleSeen || "duration".equals(m.key())) && !footerStarted) {
                if (!sampleSeen) {
                    put((byte) '\n'); // the header's separator: Austin prints it even without samples
                }
                footerStarted = true;
                put((byte) '\n');
            }
        }
        if ("mode".equals(m.key())) {
            fullMode = "full".equals(m.value());
        }
        putString("# ");
        putString(m.key());
        putString(": ");
        putString(m.value());
        put((byte) '\n');
    }

    private void startSample(StackHeader h) {
        if (layout == Layout.AUSTIN && !sampleSeen) {
            put((byte) '\n');
        }
        sampleSeen = true;
        inSample = true;
        lineComplete = false;
        hasTime = false;
        hasMemory = false;
        idle = false;
        compatCount = 0;
        lineLen = 0;
        lineByte((byte) 'P');
        if (h.pid() != lastPid) {
            lastPid = h.pid();
            lastPidText = Long.toString(h.pid()).getBytes(StandardCharsets.US_ASCII);
        }
        appendLine(lastPidText);
        lineByte((byte) ';');
        lineByte((byte) 'T');
        if (h.hasIid()) {
            appendNumber(h.iid());
            lineByte((byte) ':');
        }
        byte[] tid = threadText.get(h.tid());
        if (tid == null) {
            String decimal = ThreadIds.hexToDecimal(h.tid());
            tid = (decimal != null ? decimal : h.tid()).getBytes(StandardCharsets.UTF_8);
            if (threadText.size() >= MAX_CACHED) {
                threadText.clear();
            }
            threadText.put(h.tid(), tid);
        }
        appendLine(tid);
    }

    private void appendFrame(Frame f) {
        if (lineComplete) {
            return;
        }
        byte[] text = frameText.get(f);
        if (text == null) {
            text = (";" + f.file() + ":" + f.scope() + ":" + f.line()).getBytes(StandardCharsets.UTF_8);
            if (frameText.size() >= MAX_CACHED) {
                frameText.clear();
            }
            frameText.put(f, text);
        }
        appendLine(text);
    }

    private void metric(boolean isTime, long value) {
        if (!inSample || lineComplete) {
            return;
        }
        if (isTime) {
            hasTime = true;
            time = value;
        } else {
            hasMemory = true;
            memory = value;
        }
        if (compatCount < compatList.length) {
            compatList[compatCount++] = value;
        }
        switch (compat) {
            case AUSTIN_PYTHON_1_7:
                if (!fullMode) {
                    completeLine(value); // printed as it arrives, one line per metric event
                }
                break;
            case AUSTIN_PYTHON_2_2:
                break; // printed when the next sample starts
            default:
                if (fullMode ? hasTime && hasMemory : true) {
                    emitMetricsAndLine();
                }
        }
    }

    /** Ends the current sample, if any. {@code byNextEvent}: a STACK or METADATA follows (not end of input). */
    private void endSample(boolean byNextEvent) {
        if (!inSample) {
            return;
        }
        inSample = false;
        if (lineComplete) {
            return;
        }
        switch (compat) {
            case AUSTIN_PYTHON_1_7:
                if (fullMode && byNextEvent) {
                    lineLen = appendCompatList();
                    lineByte((byte) '\n');
                }
                // At end of input mojo2austin 1.7.1 never prints the pending metrics, nor a line end.
                flushLine();
                break;
            case AUSTIN_PYTHON_2_2:
                if (hasTime || hasMemory) {
                    lineByte((byte) ' ');
                    appendNumber(hasTime ? time : memory);
                }
                lineByte((byte) '\n');
                flushLine();
                break;
            default:
                if (hasTime || hasMemory) {
                    emitMetricsAndLine();
                } else {
                    // A sample without metrics (a cut-off input): keep it; end its line only if more follows.
                    if (byNextEvent) {
                        lineByte((byte) '\n');
                    }
                    flushLine();
                }
        }
    }

    private int appendCompatList() {
        lineByte((byte) ' ');
        if (compatCount == 2) {
            appendNumber(compatList[0]);
            appendLine(",0,");
            appendNumber(compatList[1]);
        } else {
            for (int i = 0; i < compatCount; i++) {
                if (i > 0) {
                    lineByte((byte) ',');
                }
                appendNumber(compatList[i]);
            }
        }
        return lineLen;
    }

    private void emitMetricsAndLine() {
        lineByte((byte) ' ');
        if (hasTime && hasMemory) {
            appendNumber(time);
            appendLine(idle ? ",1," : ",0,");
            appendNumber(memory);
        } else {
            appendNumber(hasTime ? time : memory); // print what the sample has, nothing invented
        }
        lineByte((byte) '\n');
        lineComplete = true;
        flushLine();
    }

    private void completeLine(long value) {
        lineByte((byte) ' ');
        appendNumber(value);
        lineByte((byte) '\n');
        flushLine();
        // Another metric event in the same sample makes mojo2austin 1.7.1 print another " value" line.
        lineLen = 0;
    }

    private void flushLine() {
        if (lineLen > 0) {
            room(lineLen);
            System.arraycopy(line, 0, buf, len, lineLen);
            len += lineLen;
            lineLen = 0;
        }
    }

    /** Writes {@code v} in decimal straight into the line: metrics are on every line, so no String per value. */
    private void appendNumber(long v) {
        if (v == Long.MIN_VALUE) {
            appendLine(Long.toString(v));
            return;
        }
        if (lineLen + 20 > line.length) {
            line = Arrays.copyOf(line, line.length * 2 + 20);
        }
        if (v < 0) {
            line[lineLen++] = '-';
            v = -v;
        }
        int start = lineLen;
        do {
            line[lineLen++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = lineLen - 1; i < j; i++, j--) {
            byte t = line[i];
            line[i] = line[j];
            line[j] = t;
        }
    }

    private void appendLine(String s) {
        appendLine(s.getBytes(StandardCharsets.UTF_8));
    }

    private void appendLine(byte[] bytes) {
        if (lineLen + bytes.length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + bytes.length));
        }
        System.arraycopy(bytes, 0, line, lineLen, bytes.length);
        lineLen += bytes.length;
    }

    private void lineByte(byte b) {
        if (lineLen == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLen++] = b;
    }

    private void putString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        room(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void put(byte b) {
        room(1);
        buf[len++] = b;
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private void drain() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
    }
}
