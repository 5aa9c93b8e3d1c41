package io.austin.formats.collapsed.compat;

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
 * {@code mojo2austin} of austin-python 1.7.1 or 2.2.0, byte for byte, losses included (spec C.1, C.5): reads codec
 * events, because the reference tools print as the events come. 1.7.1 prints a wall, cpu or memory sample's line at
 * its metric event (one line per metric event), a full-mode line when the next sample or metadata starts (so the
 * last sample of a stream that ends without metadata loses its metrics and line end), and the text of a
 * {@code STRING_REF} where it stands. 2.2.0 prints each sample when the next one starts (so the last comes after the
 * footer), drops {@code :INVALID:} and {@code :GC:}, and prints only the time in full mode. No separator lines.
 *
 * <p>Not thread-safe. {@link #close()} completes the output and closes the stream.
 */
final class ReferenceTextWriter implements StackEventWriter {
    private static final int FLUSH_THRESHOLD = 1 << 16;
    private static final int MAX_CACHED = 1 << 20;
    private static final byte[] INVALID = ";:INVALID:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GC = ";:GC:".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final Compat compat;

    private byte[] buf = new byte[FLUSH_THRESHOLD + 4096];
    private int len;
    /** The current sample's line, held until its metrics are known. */
    private byte[] line = new byte[4096];
    private int lineLen;

    private boolean inSample;
    private boolean lineComplete;
    private boolean fullMode;
    private boolean finished;

    // The current sample's metrics.
    private boolean hasTime;
    private boolean hasMemory;
    private long time;
    private long memory;
    /** austin-python 1.7.1 keeps full-mode metrics in a list in arrival order; IDLE appends 1. */
    private final long[] compatList = new long[8];
    private int compatCount;

    private final Map<Frame, byte[]> frameText = new IdentityHashMap<>();
    private final Map<String, byte[]> threadText = new HashMap<>();
    private long lastPid = Long.MIN_VALUE;
    private byte[] lastPidText;

    /**
     * @param out    the destination; closed by {@link #close()}
     * @param compat the release to reproduce: {@link Compat#AUSTIN_PYTHON_1_7} or {@link Compat#AUSTIN_PYTHON_2_2}
     */
    ReferenceTextWriter(OutputStream out, Compat compat) {
        this.out = Objects.requireNonNull(out, "out");
        if (compat == Compat.NONE) {
            throw new IllegalArgumentException("no reference to reproduce: use CollapsedWriter");
        }
        this.compat = compat;
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
        inSample = true;
        lineComplete = false;
        hasTime = false;
        hasMemory = false;
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
            tid = h.thread().textTid().getBytes(StandardCharsets.UTF_8);
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
        // 1.7.1 prints a line as each metric arrives (one line per metric event); 2.2.0 at the next sample.
        if (compat == Compat.AUSTIN_PYTHON_1_7 && !fullMode) {
            completeLine(value);
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
        if (compat == Compat.AUSTIN_PYTHON_1_7) {
            if (fullMode && byNextEvent) {
                lineLen = appendCompatList();
                lineByte((byte) '\n');
            }
            // At end of input mojo2austin 1.7.1 never prints the pending metrics, nor a line end.
            flushLine();
        } else {
            if (hasTime || hasMemory) {
                lineByte((byte) ' ');
                appendNumber(hasTime ? time : memory);
            }
            lineByte((byte) '\n');
            flushLine();
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
