package io.austin.formats.collapsed;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import io.austin.formats.internal.ByteSink;
import io.austin.formats.internal.LongMap;
import io.austin.formats.internal.RecentKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes Austin's collapsed-stack text (spec Part A) from whole samples: {@code # key: value} metadata lines and one
 * line per sample, {@code P<pid>;T<iid>:<tid>;file:scope:line;... <metrics>}, with metrics {@code T}, {@code M} or
 * {@code T,I,M} as the sample has them. Thread ids arrive in MOJO's hexadecimal form and are printed in decimal.
 *
 * <p>{@link Layout#AUSTIN} adds the empty lines Austin prints after the header, before the footer and at the end;
 * {@link Layout#PLAIN} prints none, as {@code mojo2austin} does. A sample without any metric (cut off by a killed
 * run) is printed as far as it goes, its line ended only if more follows. The reference converters' quirks are not
 * reproduced here: see {@link io.austin.formats.collapsed.compat.CompatText}.
 *
 * <p>Not thread-safe. {@link #close()} completes the output and closes the stream.
 */
public final class CollapsedWriter implements ProfileEventWriter {
    /** Where empty separator lines go. */
    public enum Layout {
        /** As Austin prints: one empty line after the header, one before the footer, one at the end. */
        AUSTIN,
        /** No empty lines, as mojo2austin prints. */
        PLAIN
    }

    private static final int MAX_CACHED = 1 << 20;
    private static final byte[] INVALID = ";:INVALID:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GC = ";:GC:".getBytes(StandardCharsets.US_ASCII);

    private final ByteSink out;
    private final Layout layout;
    private boolean sampleSeen;
    private boolean footerStarted;
    private boolean lineOpen;
    private boolean finished;

    /** Rendered frames by reference key (one lookup without hashing an object), checked against the frame. */
    private final LongMap<Rendered> framesByKey = new LongMap<>();
    /** Rendered frames of references without a key. */
    private final Map<Frame, byte[]> frameText = new IdentityHashMap<>();
    private final Map<ThreadKey, byte[]> threadText = new HashMap<>();
    /** Readers hand out one key instance per thread: the recent ones are found by identity, without hashing. */
    private final RecentKeys<Recent> recent = new RecentKeys<>();

    /**
     * A recent thread's text prefix, and where the text of the frames of its last sample lies in the output buffer,
     * with where each frame ends. A thread's next stack mostly shares its callers with the last one (the same
     * references, root first): while that text is still in the buffer (not drained since), the shared part is one
     * copy within the buffer, and only the frames after it are looked up and rendered.
     */
    private static final class Recent {
        final byte[] prefix;
        List<FrameRef> frames = List.of();
        long drains = -1;
        int start;
        int[] ends = new int[32];

        Recent(byte[] prefix) {
            this.prefix = prefix;
        }
    }

    /** A writer with Austin's own layout. */
    public CollapsedWriter(OutputStream out) {
        this(out, Layout.AUSTIN);
    }

    /**
     * @param out    the destination; closed by {@link #close()}
     * @param layout the separator lines
     */
    public CollapsedWriter(OutputStream out, Layout layout) {
        this.out = new ByteSink(Objects.requireNonNull(out, "out"));
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    @Override
    public void write(ProfileEvent event) throws IOException {
        if (finished) {
            throw new IllegalStateException("text writer already finished");
        }
        switch (event.type()) {
            case METADATA -> metadata((Metadata) event);
            case SAMPLE -> sample((Sample) event);
        }
        out.drainIfFull();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        if (!finished) {
            finished = true;
            if (layout == Layout.AUSTIN && footerStarted) {
                endOpenLine();
                out.put((byte) '\n');
            }
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

    private void endOpenLine() {
        if (lineOpen) {
            out.put((byte) '\n');
            lineOpen = false;
        }
    }

    private void metadata(Metadata m) {
        endOpenLine();
        if (layout == Layout.AUSTIN && (sampleSeen || "duration".equals(m.key())) && !footerStarted) {
            if (!sampleSeen) {
                out.put((byte) '\n'); // the header's separator: Austin prints it even without samples
            }
            footerStarted = true;
            out.put((byte) '\n');
        }
        put("# ");
        put(m.key());
        put(": ");
        put(m.value());
        out.put((byte) '\n');
    }

    private void sample(Sample s) {
        endOpenLine();
        if (layout == Layout.AUSTIN && !sampleSeen) {
            out.put((byte) '\n');
        }
        sampleSeen = true;
        Recent r = recent.get(s.thread());
        if (r == null) {
            ThreadKey t = s.thread();
            byte[] prefix = threadText.get(t);
            if (prefix == null) {
                prefix = ("P" + t.pid() + ";T" + t.textName()).getBytes(StandardCharsets.UTF_8);
                if (threadText.size() >= MAX_CACHED) {
                    threadText.clear();
                }
                threadText.put(t, prefix);
            }
            r = new Recent(prefix);
            recent.put(t, r);
        }
        put(r.prefix);
        if (s.invalid()) {
            put(INVALID);
        }
        frames(r, s.frames());
        if (s.gc()) {
            put(GC);
        }
        if (s.hasTime() || s.hasMemory()) {
            out.put((byte) ' ');
            if (s.hasTime() && s.hasMemory()) {
                number(s.time());
                put(s.idle() ? IDLE_YES : IDLE_NO);
                number(s.memory());
            } else {
                number(s.hasTime() ? s.time() : s.memory());
            }
            out.put((byte) '\n');
        } else {
            lineOpen = true; // a cut-off sample: its line ends only if more follows
        }
    }

    /** Prints the frames, the part shared with the thread's last sample as one copy when it is still buffered. */
    private void frames(Recent r, List<FrameRef> frames) {
        int n = frames.size();
        int common = 0;
        if (r.drains == out.drains()) {
            List<FrameRef> last = r.frames;
            if (last == frames) {
                common = n;
            } else {
                for (int m = Math.min(n, last.size()); common < m && last.get(common) == frames.get(common); ) {
                    common++;
                }
            }
        }
        int start = out.length();
        if (common > 0) {
            out.copyWithin(r.start, r.ends[common - 1]);
        }
        if (r.ends.length < n) {
            r.ends = Arrays.copyOf(r.ends, Math.max(n, r.ends.length * 2));
        }
        for (int i = common; i < n; i++) {
            put(frameText(frames.get(i)));
            r.ends[i] = out.length() - start;
        }
        r.frames = frames;
        r.start = start;
        r.drains = out.drains();
    }

    private static final byte[] IDLE_YES = ",1,".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDLE_NO = ",0,".getBytes(StandardCharsets.US_ASCII);

    /** A frame's text, {@code ;file:scope:line}. */
    private static final class Rendered {
        final Frame frame;
        final byte[] text;

        Rendered(Frame frame, byte[] text) {
            this.frame = frame;
            this.text = text;
        }
    }

    private byte[] frameText(FrameRef ref) {
        Frame f = ref.frame();
        long key = ref.key();
        if (key < 0) {
            byte[] text = frameText.get(f);
            if (text == null) {
                text = render(f);
                if (frameText.size() >= MAX_CACHED) {
                    frameText.clear();
                }
                frameText.put(f, text);
            }
            return text;
        }
        // Keys are per process: another process's frame under the same key is rendered anew and replaces it.
        Rendered r = framesByKey.get(key);
        if (r == null || r.frame != f) {
            r = new Rendered(f, render(f));
            if (framesByKey.size() >= MAX_CACHED) {
                framesByKey.clear();
            }
            framesByKey.put(key, r);
        }
        return r.text;
    }

    private static byte[] render(Frame f) {
        return (";" + f.file() + ":" + f.scope() + ":" + f.line()).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code v} in decimal straight into the buffer: metrics are on every line, so no String per value. */
    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            put(Long.toString(v));
            return;
        }
        byte[] b = out.room(20);
        int n = out.length();
        if (v < 0) {
            b[n++] = '-';
            v = -v;
        }
        int start = n;
        do {
            b[n++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = n - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        out.length(n);
    }

    private void put(String s) {
        put(s.getBytes(StandardCharsets.UTF_8));
    }

    private void put(byte[] bytes) {
        out.put(bytes, 0, bytes.length);
    }
}
