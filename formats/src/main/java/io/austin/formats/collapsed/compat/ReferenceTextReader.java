package io.austin.formats.collapsed.compat;

import io.austin.formats.FormatException;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.IdleMarker;
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
 * Reads Austin's collapsed text exactly as the austin2speedscope and austin2pprof of austin-python 1.7.1 do (spec
 * C.2): the first line after the header is dropped unread, lines that do not parse (among them every sample with
 * {@code :INVALID:} or {@code :GC:}, whose marker has no line number) are skipped, {@code ;L<digits>} is rewritten
 * to {@code :<digits>}, integers follow Python's {@code int()}, and the body ends at the first empty line; metadata
 * after it is the footer. A header without {@code mode} is an error, as the reference crashes on it.
 *
 * <p>Not thread-safe. Closing the reader closes the stream.
 */
final class ReferenceTextReader implements StackEventReader {
    private static final int MAX_CACHED = 1 << 20;

    private final LineSource lines;
    private final ArrayDeque<StackEvent> pending = new ArrayDeque<>();
    private final Map<String, FrameRef> frames = new HashMap<>();
    private final Map<String, StackHeader> headers = new HashMap<>();
    private boolean memoryMode;
    private boolean sawMode;
    /** Phases: header, body, footer. */
    private int phase;

    ReferenceTextReader(InputStream in) {
        this.lines = new LineSource(Objects.requireNonNull(in, "in"));
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
                if (!sawMode) {
                    throw new FormatException("line " + lines.lineNumber() + ": the header has no mode",
                            lines.lineNumber());
                }
                return null;
            }
            compatLine(line);
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }

    private static long pyInt(String s) {
        return Numbers.parsePython(s, 10);
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
        long iid = colon < 0 ? StackHeader.NO_IID : plainLong(thread, 0, colon);
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

    /** A non-negative decimal without sign, or -1. */
    private static long plainLong(String s, int start, int end) {
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

    // ---- austin-python 1.7.1 reading -------------------------------------------------------------------------

    private void compatLine(String line) {
        String raw = lines.lastLineTerminated() ? line + "\n" : line;
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
                }
                return;
            case 1:
                if (line.isEmpty() && lines.lastLineTerminated()) {
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
        long pid = pyInt(head.substring(1, semi));
        if (pid == Numbers.INVALID || pid < 0) {
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
            values[i] = pyInt(parts[i]);
            if (values[i] == Numbers.INVALID) {
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
        long lineNo = pyInt(item.substring(c2 + 1));
        if (lineNo == Numbers.INVALID) {
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
}
