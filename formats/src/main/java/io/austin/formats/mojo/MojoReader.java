package io.austin.formats.mojo;

import io.austin.formats.FormatException;
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
import io.austin.formats.StackEventReader;
import io.austin.formats.StackHeader;
import io.austin.formats.StringDef;
import io.austin.formats.StringRef;
import io.austin.formats.TimeMetric;
import io.austin.formats.internal.FrameSource;
import io.austin.formats.internal.LongMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Streams the events of a MOJO file, versions 1 to 4 (spec Part B).
 *
 * <p>String and frame keys are resolved per process (B.6): every {@link FrameRef} carries its {@link Frame}, and a
 * later definition of a key replaces the earlier one. A v4 {@code STACK_REPEAT} is expanded into the frame
 * references it stands for (B.15), so consumers never see it; v4 task events (14, 15) are skipped.
 *
 * <p>Memory is bounded by the distinct strings and frames of the input: a string longer than
 * {@link #MAX_STRING_BYTES} or an integer longer than ten bytes is a {@link FormatException}, not an allocation.
 * Every malformed input (truncated event, unknown event id, dangling reference) is a {@link FormatException}
 * naming the byte offset of the event; the events before it have already been delivered.
 *
 * <p>Not thread-safe. Closing the reader closes the stream.
 */
public final class MojoReader implements FrameSource {
    /** The longest string accepted, in bytes, before the terminating NUL. */
    public static final int MAX_STRING_BYTES = 1 << 16;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    /** Offset in the input of {@code buf[0]}. */
    private long bufStart;
    private byte[] scratch = new byte[256];

    private int version = -1;
    private boolean eof;
    /** Offset of the event being decoded, for error messages. */
    private long eventOffset;
    private int eventId;

    private final LongMap<Tables> tablesByPid = new LongMap<>();
    private Tables tables;
    private long pid = Long.MIN_VALUE;
    private final ArrayDeque<StackEvent> pending = new ArrayDeque<>();

    /* v4 STACK_REPEAT support: the frames of the current and of the last finished sample of each thread. */
    private final Map<String, List<FrameRef>> lastStacks = new HashMap<>();
    private List<FrameRef> currentStack;
    /** Whether the current sample's frames have started (a frame or a repeat), where a repeat may no longer come. */
    private boolean framesStarted;
    private String currentThreadKey;

    /** Per-process key tables: keys of one process mean nothing in another (B.6). */
    private static final class Tables {
        final LongMap<String> strings = new LongMap<>();
        final LongMap<FrameRef> frames = new LongMap<>();
    }

    /**
     * A reader over {@code in}. The header is read on the first {@link #next()} (or {@link #version()}).
     *
     * @param in the MOJO bytes; the reader buffers, so pass the raw stream
     */
    public MojoReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
        this.tables = tablesFor(pid);
    }

    /** The MOJO version of the input (1–4), reading the header if needed. */
    public int version() throws IOException {
        if (version < 0) {
            readHeader();
        }
        return version;
    }

    /** The offset in the input of the next unread byte. */
    public long offset() {
        return bufStart + pos;
    }

    @Override
    public StackEvent next() throws IOException {
        return next(null);
    }

    /** For the sample assembler (see {@link FrameSource}); not API. */
    @Override
    public StackEvent next(FrameSink sink) throws IOException {
        if (version < 0) {
            readHeader();
        }
        while (true) {
            if (!pending.isEmpty()) {
                StackEvent queued = pending.poll();
                if (sink != null && queued instanceof FrameRef ref) {
                    sink.frame(ref);
                    continue;
                }
                return queued;
            }
            if (eof) {
                return null;
            }
            StackEvent event = readEvent(sink);
            if (event != null) {
                return event;
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void readHeader() throws IOException {
        eventOffset = 0;
        eventId = -1;
        for (byte m : Mojo.MAGIC) {
            int b = readByte();
            if (b != (m & 0xFF)) {
                throw new FormatException("not a MOJO file: bad magic at byte " + (offset() - (b < 0 ? 0 : 1)),
                        offset());
            }
        }
        long v = readInt();
        if (v < 1 || v > Mojo.MAX_READ_VERSION) {
            throw new FormatException("unsupported MOJO version " + v + " at byte 3 (this reader knows 1 to "
                    + Mojo.MAX_READ_VERSION + ")", 3);
        }
        version = (int) v;
    }

    /**
     * Decodes one event; returns null for events that produce nothing (or only queued ones), and for frame
     * references handed to {@code sink} when there is one.
     */
    private StackEvent readEvent(FrameSink sink) throws IOException {
        eventOffset = offset();
        int id = readByteOrEof();
        if (id < 0) {
            eof = true;
            endSample();
            return null;
        }
        eventId = id;
        switch (id) {
            case Mojo.METADATA: {
                endSample();
                String key = readString();
                String value = readString();
                return new Metadata(key, value);
            }
            case Mojo.STACK: {
                endSample();
                long p = readInt();
                long iid = version >= 3 ? readInt() : StackHeader.NO_IID;
                StackHeader header = header(p, iid);
                if (p != pid) {
                    pid = p;
                    tables = tablesFor(p);
                }
                if (version >= 4) {
                    currentThreadKey = p + "/" + header.tid();
                    currentStack = new ArrayList<>();
                    framesStarted = false;
                }
                return header;
            }
            case Mojo.FRAME: {
                long key = readInt();
                long fileKey = readInt();
                long scopeKey = readInt();
                long line = readInt();
                long lineEnd = 0;
                long column = 0;
                long columnEnd = 0;
                if (version >= 2) {
                    lineEnd = readInt();
                    column = readInt();
                    columnEnd = readInt();
                }
                Frame frame = new Frame(resolveString(fileKey), resolveString(scopeKey), line, lineEnd, column,
                        columnEnd);
                tables.frames.put(key, new FrameRef(key, frame));
                return new FrameDef(key, fileKey, scopeKey, frame);
            }
            case Mojo.FRAME_INVALID:
                return InvalidFrame.INSTANCE;
            case Mojo.FRAME_REF: {
                long key = readInt();
                FrameRef ref = tables.frames.get(key);
                if (ref == null) {
                    throw error("FRAME_REF to undefined frame key " + key);
                }
                if (currentStack != null) {
                    currentStack.add(ref);
                    framesStarted = true;
                }
                if (sink != null) {
                    sink.frame(ref);
                    return null;
                }
                return ref;
            }
            case Mojo.FRAME_KERNEL:
                return new KernelFrame(readString());
            case Mojo.GC:
                return GcMarker.INSTANCE;
            case Mojo.IDLE:
                return IdleMarker.INSTANCE;
            case Mojo.METRIC_TIME:
                return new TimeMetric(readInt());
            case Mojo.METRIC_MEMORY:
                return new MemoryMetric(readInt());
            case Mojo.STRING: {
                long key = readInt();
                String value = readString();
                tables.strings.put(key, value);
                return new StringDef(key, value);
            }
            case Mojo.STRING_REF: {
                long key = readInt();
                return new StringRef(key, resolveString(key));
            }
            case Mojo.STACK_REPEAT:
                if (version < 4) {
                    throw error("STACK_REPEAT in a version " + version + " file");
                }
                repeatStack();
                return null;
            case Mojo.TASK_STACK:
            case Mojo.TASK_WAITER:
                if (version < 4) {
                    throw error("unknown MOJO event id " + id);
                }
                readInt();
                readInt();
                return null;
            default:
                throw error("unknown MOJO event id " + id);
        }
    }

    /** B.15: the previous stack of this thread, without its native leaf frames, stands for these frames. */
    private void repeatStack() throws FormatException {
        if (currentStack == null) {
            throw error("STACK_REPEAT outside a sample");
        }
        // Austin writes a repeat first, once: allowing it after frames, or twice, would let each sample double the
        // previous one's stack, and a few hundred bytes expand to more frames than any memory holds.
        if (framesStarted) {
            throw error("STACK_REPEAT after the sample's frames (Austin writes it once, first)");
        }
        framesStarted = true;
        List<FrameRef> previous = lastStacks.get(currentThreadKey);
        if (previous == null) {
            return;
        }
        int end = previous.size();
        while (end > 0 && Mojo.isNativeFile(previous.get(end - 1).frame().file())) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            FrameRef ref = previous.get(i);
            currentStack.add(ref);
            pending.add(ref);
        }
    }


    private void endSample() {
        if (currentStack != null) {
            lastStacks.put(currentThreadKey, currentStack);
            currentStack = null;
        }
    }

    private Tables tablesFor(long p) {
        Tables t = tablesByPid.get(p);
        if (t == null) {
            t = new Tables();
            tablesByPid.put(p, t);
        }
        return t;
    }

    private String resolveString(long key) throws FormatException {
        String s = tables.strings.get(key);
        if (s == null) {
            if (key == Mojo.UNKNOWN_STRING_KEY) {
                return Mojo.UNKNOWN;
            }
            throw error("reference to undefined string key " + key);
        }
        return s;
    }

    private FormatException error(String what) {
        String name = Mojo.eventName(eventId);
        String where = eventId >= 0 && !name.startsWith("event ") ? " in " + name + " event at byte " + eventOffset
                : " at byte " + eventOffset;
        return new FormatException("corrupt MOJO: " + what + where, eventOffset);
    }

    private FormatException truncated() {
        return new FormatException("truncated MOJO: " + Mojo.eventName(eventId) + " event at byte " + eventOffset
                + " ends at byte " + offset(), eventOffset);
    }

    // ---- primitive decoding -------------------------------------------------------------------------------

    private boolean fill() throws IOException {
        bufStart += lim;
        pos = 0;
        lim = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        lim = n;
        return true;
    }

    private int readByteOrEof() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    private int readByte() throws IOException {
        if (pos == lim && !fill()) {
            if (version < 0) {
                return -1;
            }
            throw truncated();
        }
        return buf[pos++] & 0xFF;
    }

    /** B.2: sign flag in bit 6 of the first byte, 6 value bits, then 7 per byte; at most 10 bytes. */
    private long readInt() throws IOException {
        if (lim - pos >= 10) {
            // Fast path, the common case: the longest integer fits in the buffer, so no byte needs a bounds check.
            byte[] bytes = buf;
            int p = pos;
            int b = bytes[p++] & 0xFF;
            long value = b & 0x3F;
            boolean negative = (b & 0x40) != 0;
            int shift = 6;
            int count = 1;
            while ((b & 0x80) != 0) {
                if (++count > 10) {
                    pos = p;
                    throw error("integer longer than 10 bytes");
                }
                b = bytes[p++] & 0xFF;
                value |= (long) (b & 0x7F) << shift;
                shift += 7;
            }
            pos = p;
            return negative ? -value : value;
        }
        int b = readByte();
        if (b < 0) {
            throw new FormatException("not a MOJO file: no version after the magic", offset());
        }
        long value = b & 0x3F;
        boolean negative = (b & 0x40) != 0;
        int shift = 6;
        int count = 1;
        while ((b & 0x80) != 0) {
            if (++count > 10) {
                throw error("integer longer than 10 bytes");
            }
            b = readByte();
            value |= (long) (b & 0x7F) << shift;
            shift += 7;
        }
        return negative ? -value : value;
    }

    /**
     * The header of the thread whose tid string comes next: the same instance for the same (pid, iid, tid) while it
     * stays cached, found by comparing the string's bytes in the buffer, so that a header costs no allocation and
     * consumers can tell threads apart by identity.
     */
    private StackHeader header(long p, long iid) throws IOException {
        int end = -1;
        for (int i = pos, limit = Math.min(lim, pos + MAX_STRING_BYTES + 1); i < limit; i++) {
            if (buf[i] == 0) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return new StackHeader(p, iid, readString()); // not all in the buffer: the slow way
        }
        int h = (int) (p * 31 + iid);
        for (int i = pos; i < end; i++) {
            h = h * 31 + buf[i];
        }
        int slot = (h ^ (h >>> 16)) & (HEADERS - 1);
        StackHeader cached = headerCache[slot];
        if (cached != null && cached.pid() == p && cached.iid() == iid && sameBytes(headerBytes[slot], end)) {
            pos = end + 1;
            return cached;
        }
        byte[] bytes = java.util.Arrays.copyOfRange(buf, pos, end);
        StackHeader header = new StackHeader(p, iid, decode(buf, pos, end - pos));
        pos = end + 1;
        headerCache[slot] = header;
        headerBytes[slot] = bytes;
        return header;
    }

    private boolean sameBytes(byte[] bytes, int end) {
        if (bytes.length != end - pos) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != buf[pos + i]) {
                return false;
            }
        }
        return true;
    }

    private static final int HEADERS = 256;
    private final StackHeader[] headerCache = new StackHeader[HEADERS];
    private final byte[][] headerBytes = new byte[HEADERS][];

    private String readString() throws IOException {
        // Fast path: the whole string, NUL included, is in the buffer.
        for (int i = pos, end = Math.min(lim, pos + MAX_STRING_BYTES + 1); i < end; i++) {
            if (buf[i] == 0) {
                String s = decode(buf, pos, i - pos);
                pos = i + 1;
                return s;
            }
        }
        int n = 0;
        while (true) {
            int b = readByte();
            if (b == 0) {
                return decode(scratch, 0, n);
            }
            if (n == MAX_STRING_BYTES) {
                throw error("string longer than " + MAX_STRING_BYTES + " bytes");
            }
            if (n == scratch.length) {
                scratch = java.util.Arrays.copyOf(scratch, Math.min(scratch.length * 2, MAX_STRING_BYTES));
            }
            scratch[n++] = (byte) b;
        }
    }

    private static String decode(byte[] bytes, int off, int len) {
        // Austin writes what it read from the target; invalid UTF-8 becomes U+FFFD instead of failing.
        return new String(bytes, off, len, StandardCharsets.UTF_8);
    }
}
