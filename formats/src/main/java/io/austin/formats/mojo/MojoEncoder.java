package io.austin.formats.mojo;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.internal.ByteSink;
import io.austin.formats.internal.LongMap;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The byte-level part of the MOJO writers: the buffered output, integers and strings (spec B.2, B.3), and the
 * per-process key tables with the definitions generated for frames that arrive without them. Not thread-safe.
 */
final class MojoEncoder {
    private final ByteSink out;
    private final LongMap<Tables> tablesByPid = new LongMap<>();
    private Tables tables;
    private long pid = Long.MIN_VALUE;

    /** Per-process key tables: keys of one process mean nothing in another (B.6). */
    static final class Tables {
        /** Frame defined for each key, as written. */
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

    /** An encoder that starts the output with the MOJO header of {@code version}. */
    MojoEncoder(OutputStream out, int version) {
        this.out = new ByteSink(out);
        tables = tablesFor(pid);
        this.out.room(3);
        for (byte m : Mojo.MAGIC) {
            this.out.put(m);
        }
        writeInt(version);
    }

    /** The tables of process {@code p}, which become the current ones. */
    Tables tables(long p) {
        if (p != pid) {
            pid = p;
            tables = tablesFor(p);
        }
        return tables;
    }

    /** The current process's tables. */
    Tables tables() {
        return tables;
    }

    /**
     * How many frame or string definitions of one process the encoder remembers. Beyond that (a program that makes
     * new code all the time, profiled for hours) it forgets them all and defines each again at its next use: a
     * reader then reads the same definition twice under the same frame key (a string gets a new key), which every
     * MOJO reader takes, and the profiler's memory stays bounded.
     */
    static final int TABLE_LIMIT = 1 << 15;

    /** The current process's tables, forgotten first when they hold more than {@link #TABLE_LIMIT} definitions. */
    Tables bounded(Tables t) {
        if (t.frames.size() <= TABLE_LIMIT && t.strings.size() <= TABLE_LIMIT) {
            return t;
        }
        Tables fresh = new Tables();
        fresh.nextStringKey = t.nextStringKey;
        fresh.nextFrameKey = t.nextFrameKey;
        tablesByPid.put(pid, fresh);
        tables = fresh;
        return fresh;
    }

    private Tables tablesFor(long p) {
        Tables t = tablesByPid.get(p);
        if (t == null) {
            t = new Tables();
            tablesByPid.put(p, t);
        }
        return t;
    }

    /** Whether {@code ref}'s frame is already defined under its key (or, keyless, under the key of its value). */
    boolean defined(Tables t, FrameRef ref) {
        Frame defined;
        if (ref.key() == FrameRef.NO_KEY) {
            Long k = t.frameKeys.get(ref.frame());
            defined = k == null ? null : t.frames.get(k);
        } else {
            defined = t.frames.get(ref.key());
        }
        return defined == ref.frame() || ref.frame().equals(defined);
    }

    /** The key a reference is written with: its own, or one assigned to its frame's value. */
    long keyFor(Tables t, FrameRef ref) {
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

    /** Writes the definitions of {@code ref}'s frame (strings first, as needed) under {@link #keyFor}. */
    void define(Tables t, FrameRef ref) {
        Frame f = ref.frame();
        long key = keyFor(t, ref);
        long fileKey = stringKey(t, f.file());
        long scopeKey = stringKey(t, f.scope());
        t.frames.put(key, f);
        frame(key, fileKey, scopeKey, f);
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
        string(key, s);
        return key;
    }

    // ---- events -------------------------------------------------------------------------------------------------

    void metadata(String key, String value) {
        event(Mojo.METADATA);
        writeString(key);
        writeString(value);
    }

    void stack(long p, long iid, String tid) {
        event(Mojo.STACK);
        writeInt(p);
        writeInt(iid);
        writeString(tid);
    }

    void frame(long key, long fileKey, long scopeKey, Frame f) {
        event(Mojo.FRAME);
        writeInt(key);
        writeInt(fileKey);
        writeInt(scopeKey);
        writeInt(f.line());
        writeInt(f.lineEnd());
        writeInt(f.column());
        writeInt(f.columnEnd());
    }

    void string(long key, String value) {
        event(Mojo.STRING);
        writeInt(key);
        writeString(value);
    }

    void stringRef(long key) {
        event(Mojo.STRING_REF);
        writeInt(key);
    }

    void frameRef(long key) {
        event(Mojo.FRAME_REF);
        writeInt(key);
    }

    void kernel(String symbol) {
        event(Mojo.FRAME_KERNEL);
        writeString(symbol);
    }

    void event(int id) {
        out.room(1);
        out.put((byte) id);
    }

    void time(long value) {
        event(Mojo.METRIC_TIME);
        writeInt(value);
    }

    void memory(long value) {
        event(Mojo.METRIC_MEMORY);
        writeInt(value);
    }

    /** B.2: the sign in bit 6 of the first byte, 6 value bits there, 7 in each following byte. */
    void writeInt(long v) {
        byte[] b = out.room(10);
        int n = out.length();
        boolean negative = v < 0;
        long m = negative ? -v : v;
        // Long.MIN_VALUE has no positive counterpart; its magnitude is still 2^63 as an unsigned number.
        int first = (int) (m & 0x3F) | (negative ? 0x40 : 0);
        m >>>= 6;
        if (m != 0) {
            first |= 0x80;
        }
        b[n++] = (byte) first;
        while (m != 0) {
            int next = (int) (m & 0x7F);
            m >>>= 7;
            b[n++] = (byte) (m != 0 ? next | 0x80 : next);
        }
        out.length(n);
    }

    /** UTF-8 and a terminating NUL; a lone surrogate becomes U+FFFD, a NUL inside is an error. */
    void writeString(String s) {
        int len = s.length();
        byte[] b = out.room(len * 3 + 1);
        int p = out.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("a MOJO string cannot contain NUL: " + s);
            }
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[p++] = (byte) 0xEF;
                b[p++] = (byte) 0xBF;
                b[p++] = (byte) 0xBD;
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        b[p++] = 0;
        out.length(p);
    }

    /** Writes the buffer to the stream when it has grown past its threshold. */
    void drainIfFull() throws IOException {
        out.drainIfFull();
    }

    void flush() throws IOException {
        out.flush();
    }

    void close() throws IOException {
        out.close();
    }
}
