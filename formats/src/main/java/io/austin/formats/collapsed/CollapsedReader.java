package io.austin.formats.collapsed;

import io.austin.formats.Compat;
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
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Streams the events of Austin's collapsed-stack text (spec Part A), as {@code austin} or {@code mojo2austin}
 * print it.
 *
 * <p>By default the reader is strict and loses nothing: metadata lines may stand anywhere, empty lines are
 * separators, every other line must be a sample, and anything malformed is a {@link FormatException} naming the
 * line. A last line cut short (no line end and no metrics, as a killed run leaves) is read as a sample without
 * metrics. Frames are split at the last two {@code :} of each {@code ;}-separated item, like the reference
 * readers; {@code :INVALID:}, {@code :GC:} and {@code kernel:<symbol>:0} become their markers. One value is a
 * time, or a memory delta when the header says {@code mode: memory}; {@code T,I,M} is time, idle flag and memory.
 *
 * <p>With {@link Compat#AUSTIN_PYTHON_1_7} it reads exactly as the austin-python 1.7.1 converters do (spec C.2):
 * the first line after the header is dropped, lines that do not parse (among them every sample with
 * {@code :INVALID:} or {@code :GC:}) are skipped, {@code ;L<digits>} is rewritten, and the body ends at the first
 * empty line.
 *
 * <p>Not thread-safe. Closing the reader closes the stream.
 */
public final class CollapsedReader implements StackEventReader {
    /**
     * Reader options.
     *
     * @param compat whose reading quirks to reproduce
     */
    public record Options(Compat compat) {
        public Options {
            Objects.requireNonNull(compat, "compat");
        }

        /** Strict reading, nothing dropped. */
        public static Options defaults() {
            return new Options(Compat.NONE);
        }

        /** The same options with another compat setting. */
        public Options withCompat(Compat value) {
            return new Options(value);
        }
    }

    /** The longest line accepted, in bytes. */
    public static final int MAX_LINE_BYTES = 1 << 24;
    private static final int MAX_CACHED = 1 << 20;

    private final InputStream in;
    private final boolean compat;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private byte[] lineBytes = new byte[1024];
    private boolean eof;

    private long lineNumber;
    private boolean lastLineTerminated;
    private boolean separators;
    private boolean memoryMode;
    private boolean sawMode;

    /** 1.7.1 reader phases: header, body, footer. */
    private int phase;

    private final ArrayDeque<StackEvent> pending = new ArrayDeque<>();
    private final Map<String, FrameRef> frames = new HashMap<>();
    private final Map<String, StackHeader> headers = new HashMap<>();

    /** A strict reader over {@code in}. */
    public CollapsedReader(InputStream in) {
        this(in, Options.defaults());
    }

    /**
     * @param in      the text, UTF-8; the reader buffers, so pass the raw stream
     * @param options strictness and compat
     */
    public CollapsedReader(InputStream in, Options options) {
        this.in = Objects.requireNonNull(in, "in");
        this.compat = options.compat() == Compat.AUSTIN_PYTHON_1_7;
    }

    /** Whether the input so far had empty separator lines (Austin's own layout, not mojo2austin's). */
    public boolean hasSeparators() {
        return separators;
    }

    /** The number of the last line read, 1-based. */
    public long lineNumber() {
        return lineNumber;
    }

    @Override
    public StackEvent next() throws IOException {
        while (true) {
            StackEvent queued = pending.poll();
            if (queued != null) {
                return queued;
            }
            String line = readLine();
            if (line == null) {
                if (compat && !sawMode) {
                    throw new FormatException("line " + lineNumber + ": the header has no mode", lineNumber);
                }
                return null;
            }
            if (compat) {
                compatLine(line);
            } else {
                strictLine(line);
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
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
            sawMode = true;
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
        if (metrics == null && lastLineTerminated) {
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
            h = new StackHeader(pid, StackHeader.NO_IID, ThreadIds.decimalToHex(thread));
        } else {
            h = new StackHeader(pid, iid, ThreadIds.decimalToHex(thread.substring(colon + 1)));
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
        return new FormatException("line " + lineNumber + ": " + what, lineNumber);
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

    // ---- austin-python 1.7.1 reading -------------------------------------------------------------------------

    private void compatLine(String line) {
        String raw = lastLineTerminated ? line + "\n" : line;
        switch (phase) {
            case 0:
                if (raw.startsWith("# ")) {
                    int colon = raw.indexOf(':', 2);
                    if (colon >= 0) {
                        Metadata m = new Metadata(raw.substring(2, colon), raw.substring(colon + 1).strip());
                        if ("mode".equals(m.key())) {
                            sawMode = true;
                            memoryMode = "memory".equals(m.value());
                        }
                        pending.add(m);
                    }
                } else {
                    phase = 1; // the first non-metadata line is consumed unread (quirk 11)
                    if (line.isEmpty()) {
                        separators = true;
                    }
                }
                return;
            case 1:
                if (line.isEmpty() && lastLineTerminated) {
                    separators = true;
                    phase = 2;
                    return;
                }
                compatSample(raw);
                return;
            default:
                Metadata m = metadata(line);
                if (m != null) {
                    pending.add(m);
                }
        }
    }

    private void compatSample(String line) {
        if (line.isEmpty() || line.charAt(0) != 'P') {
            return;
        }
        int space = line.lastIndexOf(' ');
        if (space < 0) {
            return;
        }
        String head = line.substring(0, space);
        String metricsText = line.substring(space + 1);
        int semi = head.indexOf(';');
        if (semi < 0) {
            return;
        }
        long pid = PyInt.parse(head.substring(1, semi));
        if (pid == PyInt.INVALID || pid < 0) {
            return;
        }
        String rest = head.substring(semi + 1);
        if (rest.isEmpty() || rest.charAt(0) != 'T') {
            return;
        }
        int semi2 = rest.indexOf(';');
        String thread = semi2 < 0 ? rest.substring(1) : rest.substring(1, semi2);
        String framesText = semi2 < 0 ? "" : rest.substring(semi2 + 1);
        if (!framesText.isEmpty()) {
            framesText = rewriteLegacy(framesText);
        }
        String[] parts = metricsText.split(",", -1);
        if (parts.length != 1 && parts.length != 3) {
            return;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = PyInt.parse(parts[i]);
            if (values[i] == PyInt.INVALID) {
                return;
            }
        }
        int start = pending.size();
        pending.add(header(pid, thread));
        if (!framesText.isEmpty()) {
            for (String item : framesText.split(";", -1)) {
                FrameRef ref = compatFrame(item);
                if (ref == null) {
                    while (pending.size() > start) {
                        pending.pollLast();
                    }
                    return;
                }
                pending.add(ref);
            }
        }
        addMetrics(values);
    }

    private FrameRef compatFrame(String item) {
        FrameRef cached = frames.get(item);
        if (cached != null) {
            return cached;
        }
        int c2 = item.lastIndexOf(':');
        int c1 = c2 > 0 ? item.lastIndexOf(':', c2 - 1) : -1;
        if (item.isEmpty() || c1 < 0) {
            return null;
        }
        long lineNo = PyInt.parse(item.substring(c2 + 1));
        if (lineNo == PyInt.INVALID) {
            return null;
        }
        FrameRef ref = FrameRef.of(Frame.of(item.substring(0, c1), item.substring(c1 + 1, c2), lineNo));
        cache(item, ref);
        return ref;
    }

    /** The reference readers' legacy rewrite: {@code ;L<digits>} becomes {@code :<digits>} (quirk 14). */
    private static String rewriteLegacy(String s) {
        int i = s.indexOf(";L");
        if (i < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int from = 0;
        while (i >= 0) {
            int j = i + 2;
            while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                j++;
            }
            if (j > i + 2) {
                b.append(s, from, i).append(':').append(s, i + 2, j);
                from = j;
                i = s.indexOf(";L", j);
            } else {
                i = s.indexOf(";L", i + 1);
            }
        }
        return b.append(s, from, s.length()).toString();
    }

    // ---- lines -----------------------------------------------------------------------------------------------

    /** The next line without its LF, or null at the end. */
    private String readLine() throws IOException {
        int n = 0;
        while (true) {
            if (pos == lim) {
                if (eof || !fill()) {
                    if (n == 0) {
                        return null;
                    }
                    lineNumber++;
                    lastLineTerminated = false;
                    return new String(lineBytes, 0, n, StandardCharsets.UTF_8);
                }
            }
            int start = pos;
            int nl = -1;
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? lim : nl;
            if (n == 0 && nl >= 0) {
                pos = nl + 1;
                lineNumber++;
                lastLineTerminated = true;
                return new String(buf, start, end - start, StandardCharsets.UTF_8);
            }
            int add = end - start;
            if (n + add > MAX_LINE_BYTES) {
                throw new FormatException("line " + (lineNumber + 1) + ": longer than " + MAX_LINE_BYTES
                        + " bytes", lineNumber + 1);
            }
            if (n + add > lineBytes.length) {
                lineBytes = Arrays.copyOf(lineBytes, Math.max(lineBytes.length * 2, n + add));
            }
            System.arraycopy(buf, start, lineBytes, n, add);
            n += add;
            if (nl >= 0) {
                pos = nl + 1;
                lineNumber++;
                lastLineTerminated = true;
                return new String(lineBytes, 0, n, StandardCharsets.UTF_8);
            }
            pos = lim;
        }
    }

    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        int r;
        do {
            r = in.read(buf, 0, buf.length);
        } while (r == 0);
        if (r < 0) {
            eof = true;
            return false;
        }
        lim = r;
        return true;
    }
}
