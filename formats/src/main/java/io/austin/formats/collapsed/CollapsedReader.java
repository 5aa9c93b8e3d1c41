package io.austin.formats.collapsed;

import io.austin.formats.FormatException;
import io.austin.formats.Frame;
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
import io.austin.formats.TimeMetric;
import io.austin.formats.internal.LineSource;
import io.austin.formats.internal.Numbers;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Streams the events of Austin's collapsed-stack text (spec Part A), as {@code austin} or {@code mojo2austin} print
 * it.
 *
 * <p>The reader is strict and loses nothing: metadata lines may stand anywhere, empty lines are separators, every
 * other line must be a sample, and anything malformed is a {@link FormatException} naming the line. A last line cut
 * short (no line end and no metrics, as a killed run leaves) is read as a sample without metrics. Frames are split
 * at the last two {@code :} of each {@code ;}-separated item, like the reference readers; {@code :INVALID:},
 * {@code :GC:} and {@code kernel:<symbol>:0} become their markers. One value is a time, or a memory delta when the
 * header says {@code mode: memory}; {@code T,I,M} is time, idle flag and memory. The austin-python 1.7.1 way of
 * reading is in {@link io.austin.formats.collapsed.compat.CompatText}.
 *
 * <p>Not thread-safe. Closing the reader closes the stream.
 */
public final class CollapsedReader implements StackEventReader {
    /** The longest line accepted, in bytes. */
    public static final int MAX_LINE_BYTES = LineSource.MAX_LINE_BYTES;
    private static final int MAX_CACHED = 1 << 20;

    private final LineSource lines;
    private boolean separators;
    private boolean memoryMode;

    private final ArrayDeque<StackEvent> pending = new ArrayDeque<>();
    private final Map<String, FrameRef> frames = new HashMap<>();
    private final Map<String, StackHeader> headers = new HashMap<>();

    /**
     * A strict reader over {@code in}.
     *
     * @param in the text, UTF-8; the reader buffers, so pass the raw stream
     */
    public CollapsedReader(InputStream in) {
        this.lines = new LineSource(Objects.requireNonNull(in, "in"));
    }

    /** Whether the input so far had empty separator lines (Austin's own layout, not mojo2austin's). */
    public boolean hasSeparators() {
        return separators;
    }

    /** The number of the last line read, 1-based. */
    public long lineNumber() {
        return lines.lineNumber();
    }

    @Override
    public StackEvent next() throws IOException {
        while (true) {
            StackEvent queued = pending.poll();
            if (queued != null) {
                return queued;
            }
            String line = lines.readLine();
            if (line == null) {
                return null;
            }
            strictLine(line);
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }

    // ---- strict reading --------------------------------------------------------------------------------------

    private void strictLine(String line) throws FormatException {
        if (line.isEmpty()) {
            separators = true;
            return;
        }
        char c = line.charAt(0);
        if (c == '#') {
            Metadata m = metadata(line);
            if (m == null) {
                throw error("a metadata line must read '# key: value'");
            }
            pending.add(m);
        } else if (c == 'P') {
            strictSample(line);
        } else {
            throw error("not a sample ('P<pid>;T<iid>:<tid>...') or metadata ('# key: value') line");
        }
    }

    private Metadata metadata(String line) {
        if (!line.startsWith("# ")) {
            return null;
        }
        int colon = line.indexOf(':', 2);
        if (colon < 0) {
            return null;
        }
        Metadata m = new Metadata(line.substring(2, colon), line.substring(colon + 1).strip());
        if ("mode".equals(m.key())) {
            memoryMode = "memory".equals(m.value());
        }
        return m;
    }

    private void strictSample(String line) throws FormatException {
        int space = line.lastIndexOf(' ');
        int headEnd = line.length();
        long[] metrics = null;
        if (space >= 0) {
            metrics = parseMetrics(line, space + 1);
            if (metrics != null) {
                headEnd = space;
            }
        }
        if (metrics == null && lines.lastLineTerminated()) {
            throw error("a sample line must end with ' <metrics>' (T, M or T,I,M)");
        }
        int semi = line.indexOf(';');
        if (semi < 0 || semi > headEnd) {
            semi = headEnd;
        }
        long pid = parseLong(line, 1, semi);
        if (pid < 0) {
            throw error("bad process id in 'P<pid>'");
        }
        if (semi + 1 >= headEnd || line.charAt(semi + 1) != 'T') {
            throw error("the process must be followed by ';T<iid>:<tid>'");
        }
        int threadStart = semi + 2;
        int threadEnd = line.indexOf(';', threadStart);
        if (threadEnd < 0 || threadEnd > headEnd) {
            threadEnd = headEnd;
        }
        pending.add(header(pid, line.substring(threadStart, threadEnd)));
        int i = threadEnd;
        while (i < headEnd) {
            int end = line.indexOf(';', i + 1);
            if (end < 0 || end > headEnd) {
                end = headEnd;
            }
            pending.add(strictItem(line, i + 1, end));
            i = end;
        }
        if (metrics != null) {
            addMetrics(metrics);
        }
    }

    private StackEvent strictItem(String line, int start, int end) throws FormatException {
        if (start == end) {
            throw error("empty frame item");
        }
        String item = line.substring(start, end);
        FrameRef cached = frames.get(item);
        if (cached != null) {
            return cached;
        }
        if (":INVALID:".equals(item)) {
            return InvalidFrame.INSTANCE;
        }
        if (":GC:".equals(item)) {
            return GcMarker.INSTANCE;
        }
        int c2 = item.lastIndexOf(':');
        int c1 = c2 > 0 ? item.lastIndexOf(':', c2 - 1) : -1;
        if (c1 < 0) {
            throw error("frame '" + item + "' is not 'file:scope:line'");
        }
        long lineNo = parseLong(item, c2 + 1, item.length());
        if (lineNo < 0) {
            throw error("frame '" + item + "' has a bad line number");
        }
        String file = item.substring(0, c1);
        String scope = item.substring(c1 + 1, c2);
        if (lineNo == 0 && "kernel".equals(file)) {
            return new KernelFrame(scope);
        }
        FrameRef ref = FrameRef.of(Frame.of(file, scope, lineNo));
        cache(item, ref);
        return ref;
    }

    /** One value, or T,I,M; null if the text is not metrics. */
    private long[] parseMetrics(String line, int start) {
        int end = line.length();
        int comma1 = line.indexOf(',', start);
        if (comma1 < 0) {
            long v = parseSigned(line, start, end);
            return v == Long.MIN_VALUE ? null : new long[] {v};
        }
        int comma2 = line.indexOf(',', comma1 + 1);
        if (comma2 < 0 || line.indexOf(',', comma2 + 1) >= 0) {
            return null;
        }
        long t = parseSigned(line, start, comma1);
        long idle = parseSigned(line, comma1 + 1, comma2);
        long m = parseSigned(line, comma2 + 1, end);
        if (t == Long.MIN_VALUE || idle == Long.MIN_VALUE || m == Long.MIN_VALUE) {
            return null;
        }
        return new long[] {t, idle, m};
    }

    private void addMetrics(long[] metrics) {
        if (metrics.length == 1) {
            pending.add(memoryMode ? new MemoryMetric(metrics[0]) : new TimeMetric(metrics[0]));
        } else {
            pending.add(new TimeMetric(metrics[0]));
            if (metrics[1] != 0) {
                pending.add(IdleMarker.INSTANCE);
            }
            pending.add(new MemoryMetric(metrics[2]));
        }
    }

    private StackHeader header(long pid, String thread) {
        StackHeader cached = headers.get(thread);
        if (cached != null && cached.pid() == pid) {
            return cached;
        }
        int colon = thread.indexOf(':');
        long iid = colon < 0 ? StackHeader.NO_IID : parseLong(thread, 0, colon);
        StackHeader h;
        if (colon < 0 || iid < 0) {
            h = new StackHeader(pid, StackHeader.NO_IID, Numbers.decimalToHex(thread));
        } else {
            h = new StackHeader(pid, iid, Numbers.decimalToHex(thread.substring(colon + 1)));
        }
        if (headers.size() >= MAX_CACHED) {
            headers.clear();
        }
        headers.put(thread, h);
        return h;
    }

    private void cache(String item, FrameRef ref) {
        if (frames.size() >= MAX_CACHED) {
            frames.clear();
        }
        frames.put(item, ref);
    }

    private FormatException error(String what) {
        return new FormatException("line " + lines.lineNumber() + ": " + what, lines.lineNumber());
    }

    /** A non-negative decimal without sign, or -1. */
    private static long parseLong(String s, int start, int end) {
        if (start >= end || end - start > 18) {
            return -1;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** An optionally negative decimal, or Long.MIN_VALUE. */
    private static long parseSigned(String s, int start, int end) {
        boolean negative = start < end && s.charAt(start) == '-';
        long v = parseLong(s, negative ? start + 1 : start, end);
        return v < 0 ? Long.MIN_VALUE : negative ? -v : v;
    }
}
