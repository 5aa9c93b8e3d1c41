package io.austin.formats.mojo;

import io.austin.formats.Frame;
import io.austin.formats.FrameDef;
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
import io.austin.formats.StringDef;
import io.austin.formats.StringRef;
import io.austin.formats.TimeMetric;
import io.austin.formats.internal.LongMap;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes MOJO version 3, byte-compatible with Austin 3.7 (spec Part B).
 *
 * <p>Definitions present in the input ({@link StringDef}, {@link FrameDef}, as a {@link MojoReader} delivers them)
 * are written as they come, so reading and re-writing a v3 file reproduces it byte for byte. A {@link FrameRef}
 * whose key this writer has not seen defined for the current process (or defined with another frame) gets its
 * definitions generated the way Austin emits them: inside the sample that first needs them, before its first
 * frame reference, leaf to root, each frame preceded by the {@code STRING}s it needs. References without a key
 * (text input) are interned by value. So any event source, with or without definitions, yields a valid stream.
 *
 * <p>The 4-byte header is written when the writer is created, as Austin does before it starts the target.
 * Output is buffered; {@link #flush()} pushes whole samples only. Not thread-safe.
 */
public final class MojoWriter implements StackEventWriter {
    private static final int FLUSH_THRESHOLD = 1 << 16;

    private final OutputStream out;
    private byte[] buf = new byte[FLUSH_THRESHOLD + 1024];
    private int len;
    private boolean finished;

    private final LongMap<Tables> tablesByPid = new LongMap<>();
    private Tables tables;
    private long pid = Long.MIN_VALUE;

    /** The body of the current sample, held until it ends so that generated definitions can precede it. */
    private final List<StackEvent> sample = new ArrayList<>();
    private boolean inSample;
    private boolean fullMode;
    private final ArrayList<FrameRef> needDefs = new ArrayList<>();

    private static final class Tables {
        /** Frame defined for each key, as this writer wrote it. */
        final LongMap<Frame> frames = new LongMap<>();
        /** String defined for each key. */
        final LongMap<String> strings = new LongMap<>();
        /** A key for each string text, for generated definitions. */
        final Map<String, Long> stringKeys = new HashMap<>();
        /** A key for each keyless frame value. */
        final Map<Frame, Long> frameKeys = new HashMap<>();
        long nextStringKey = 2;
        long nextFrameKey = 1;
    }

    /**
     * A writer to {@code out}; writes the MOJO header immediately (into the buffer).
     *
     * @param out the destination; closed by {@link #close()}
     */
    public MojoWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
        tables = tablesFor(pid);
        for (byte m : Mojo.MAGIC) {
            buf[len++] = m;
        }
        writeInt(Mojo.WRITE_VERSION);
    }

    @Override
    public void write(StackEvent event) throws IOException {
        Objects.requireNonNull(event, "event");
        if (finished) {
            throw new IllegalStateException("MOJO writer already finished");
        }
        if (event instanceof StackHeader) {
            endSample();
            StackHeader h = (StackHeader) event;
            if (h.pid() != pid) {
                pid = h.pid();
                tables = tablesFor(pid);
            }
            inSample = true;
            sample.add(event);
        } else if (event instanceof Metadata) {
            endSample();
            Metadata m = (Metadata) event;
            if ("mode".equals(m.key())) {
                fullMode = "full".equals(m.value());
            }
            encode(event);
        } else if (inSample) {
            sample.add(event);
            // The last metric completes a sample: write it now rather than at the next one (live pipes).
            if (event instanceof MemoryMetric || event instanceof TimeMetric && !fullMode) {
                endSample();
            }
        } else {
            encode(event);
        }
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
        if (!finished) {
            endSample();
            finished = true;
        }
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

    private void endSample() {
        if (!inSample) {
            return;
        }
        inSample = false;
        // First pass: apply the sample's own definitions in order (they precede the references they serve).
        needDefs.clear();
        Tables t = tables;
        int firstRef = -1;
        for (int i = 0, n = sample.size(); i < n; i++) {
            StackEvent e = sample.get(i);
            if (e instanceof FrameRef) {
                if (firstRef < 0) {
                    firstRef = i;
                }
            } else if (e instanceof FrameDef) {
                FrameDef d = (FrameDef) e;
                t.frames.put(d.key(), d.frame());
            } else if (e instanceof StringDef) {
                StringDef d = (StringDef) e;
                t.strings.put(d.key(), d.value());
                t.stringKeys.putIfAbsent(d.value(), d.key());
            }
        }
        // Second pass, leaf to root as Austin does: references whose frame this process has not defined yet.
        for (int i = sample.size() - 1; i >= 0 && firstRef >= 0; i--) {
            StackEvent e = sample.get(i);
            if (!(e instanceof FrameRef)) {
                continue;
            }
            FrameRef ref = (FrameRef) e;
            Frame defined;
            if (ref.key() == FrameRef.NO_KEY) {
                Long k = t.frameKeys.get(ref.frame());
                defined = k == null ? null : t.frames.get(k);
            } else {
                defined = t.frames.get(ref.key());
            }
            if (defined != ref.frame() && !ref.frame().equals(defined)) {
                needDefs.add(ref);
                // Defined from here on, so a frame repeated by recursion is defined once.
                t.frames.put(keyFor(t, ref), ref.frame());
            }
        }
        for (int i = 0, n = sample.size(); i < n; i++) {
            if (i == firstRef && !needDefs.isEmpty()) {
                for (int j = 0; j < needDefs.size(); j++) {
                    writeDefinitions(t, needDefs.get(j));
                }
            }
            StackEvent e = sample.get(i);
            if (e instanceof FrameRef && ((FrameRef) e).key() == FrameRef.NO_KEY) {
                buf(10);
                buf[len++] = Mojo.FRAME_REF;
                writeInt(t.frameKeys.get(((FrameRef) e).frame()));
            } else {
                encode(e);
            }
        }
        sample.clear();
    }

    private long keyFor(Tables t, FrameRef ref) {
        if (ref.key() != FrameRef.NO_KEY) {
            return ref.key();
        }
        Long k = t.frameKeys.get(ref.frame());
        if (k == null) {
            long key = t.nextFrameKey++;
            while (t.frames.containsKey(key)) {
                key = t.nextFrameKey++;
            }
            k = key;
            t.frameKeys.put(ref.frame(), k);
        }
        return k;
    }

    private void writeDefinitions(Tables t, FrameRef ref) {
        Frame f = ref.frame();
        long fileKey = stringKey(t, f.file());
        long scopeKey = stringKey(t, f.scope());
        long key = ref.key() != FrameRef.NO_KEY ? ref.key() : t.frameKeys.get(f);
        encode(new FrameDef(key, fileKey, scopeKey, f));
    }

    private long stringKey(Tables t, String s) {
        Long k = t.stringKeys.get(s);
        if (k != null && s.equals(t.strings.get(k))) {
            return k;
        }
        long key = t.nextStringKey++;
        while (t.strings.containsKey(key)) {
            key = t.nextStringKey++;
        }
        t.stringKeys.put(s, key);
        t.strings.put(key, s);
        encode(new StringDef(key, s));
        return key;
    }

    private Tables tablesFor(long p) {
        Tables t = tablesByPid.get(p);
        if (t == null) {
            t = new Tables();
            tablesByPid.put(p, t);
        }
        return t;
    }

    private void encode(StackEvent event) {
        if (event instanceof FrameRef) {
            buf(11);
            buf[len++] = Mojo.FRAME_REF;
            writeInt(((FrameRef) event).key());
        } else if (event instanceof StackHeader) {
            StackHeader h = (StackHeader) event;
            buf(21);
            buf[len++] = Mojo.STACK;
            writeInt(h.pid());
            writeInt(h.hasIid() ? h.iid() : 0);
            writeString(h.tid());
        } else if (event instanceof TimeMetric) {
            buf(11);
            buf[len++] = Mojo.METRIC_TIME;
            writeInt(((TimeMetric) event).value());
        } else if (event instanceof FrameDef) {
            FrameDef d = (FrameDef) event;
            Frame f = d.frame();
            buf(71);
            buf[len++] = Mojo.FRAME;
            writeInt(d.key());
            writeInt(d.fileKey());
            writeInt(d.scopeKey());
            writeInt(f.line());
            writeInt(f.lineEnd());
            writeInt(f.column());
            writeInt(f.columnEnd());
        } else if (event instanceof StringDef) {
            StringDef d = (StringDef) event;
            buf(11);
            buf[len++] = Mojo.STRING;
            writeInt(d.key());
            writeString(d.value());
        } else if (event instanceof MemoryMetric) {
            buf(11);
            buf[len++] = Mojo.METRIC_MEMORY;
            writeInt(((MemoryMetric) event).value());
        } else if (event instanceof IdleMarker) {
            buf(1);
            buf[len++] = Mojo.IDLE;
        } else if (event instanceof InvalidFrame) {
            buf(1);
            buf[len++] = Mojo.FRAME_INVALID;
        } else if (event instanceof GcMarker) {
            buf(1);
            buf[len++] = Mojo.GC;
        } else if (event instanceof Metadata) {
            Metadata m = (Metadata) event;
            buf(1);
            buf[len++] = Mojo.METADATA;
            writeString(m.key());
            writeString(m.value());
        } else if (event instanceof KernelFrame) {
            buf(1);
            buf[len++] = Mojo.FRAME_KERNEL;
            writeString(((KernelFrame) event).scope());
        } else if (event instanceof StringRef) {
            buf(11);
            buf[len++] = Mojo.STRING_REF;
            writeInt(((StringRef) event).key());
        } else {
            throw new IllegalArgumentException("unknown event " + event);
        }
    }

    /** B.2: the sign in bit 6 of the first byte, 6 value bits there, 7 in each following byte. */
    private void writeInt(long v) {
        buf(10);
        boolean negative = v < 0;
        long m = negative ? -v : v;
        // Long.MIN_VALUE has no positive counterpart; its magnitude is still 2^63 as an unsigned number.
        int first = (int) (m & 0x3F) | (negative ? 0x40 : 0);
        m >>>= 6;
        if (m != 0) {
            first |= 0x80;
        }
        byte[] b = buf;
        int n = len;
        b[n++] = (byte) first;
        while (m != 0) {
            int next = (int) (m & 0x7F);
            m >>>= 7;
            b[n++] = (byte) (m != 0 ? next | 0x80 : next);
        }
        len = n;
    }

    private void writeString(String s) {
        int n = s.length();
        buf(n * 3 + 1);
        byte[] b = buf;
        int p = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("a MOJO string cannot contain NUL: " + s);
            }
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[p++] = (byte) 0xEF; // a lone surrogate cannot be encoded: U+FFFD, as String.getBytes does
                b[p++] = (byte) 0xBF;
                b[p++] = (byte) 0xBD;
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        b[p++] = 0;
        len = p;
    }

    private void buf(int room) {
        if (len + room > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + room));
        }
    }

    private void drain() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
    }
}
