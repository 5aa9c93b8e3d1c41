package io.austin.formats.mojo;

import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes whole samples as MOJO version 3, the way Austin 3.7 writes them (spec Part B): each sample is
 * {@code STACK}, {@code FRAME_INVALID} when the stack is incomplete, the {@code STRING} and {@code FRAME}
 * definitions this process has not had yet (leaf to root, as Austin emits them), the {@code FRAME_REF}s root to
 * leaf, {@code GC}, then the metrics ({@code METRIC_TIME}, {@code IDLE}, {@code METRIC_MEMORY}). Frames keep their
 * keys (the sampler's are Austin's: code address and instruction offset); keyless frames get keys by value. Strings
 * get keys numbered from 2 per process.
 *
 * <p>Version 4 ({@link #MojoWriter(OutputStream, int)}) is written as Austin 4 writes it (spec B.15): the same events
 * under a {@code MOJ\x04} header, except that a sample whose stack is the one its thread had in its previous sample
 * is {@code STACK}, {@code STACK_REPEAT}, then its markers and metrics, with no frame reference. A repeat is written
 * only where every v4 reader expands it back to the same frames: both samples valid, the stack not empty, and its
 * leaf frame in a Python file ({@code .py} or {@code <...>}), since readers drop "native" leaf frames when they expand
 * a repeat.
 *
 * <p>The 4-byte header is written when the writer is created, as Austin does before it starts the target. Output
 * is buffered in whole samples. Not thread-safe.
 */
public final class MojoWriter implements ProfileEventWriter {
    /** How many threads' last stacks a v4 writer remembers before it starts again (threads come and go). */
    static final int MAX_THREADS = 1 << 16;

    private final MojoEncoder enc;
    private final List<FrameRef> needDefs = new ArrayList<>();
    /** v4: each thread's previous stack, when it was valid; null for v3. */
    private final Map<ThreadKey, List<FrameRef>> lastStacks;
    private long repeats;
    private boolean finished;

    /**
     * A version 3 writer to {@code out}, as Austin 3.7 writes; writes the MOJO header immediately (into the buffer).
     *
     * @param out the destination; closed by {@link #close()}
     */
    public MojoWriter(OutputStream out) {
        this(out, 3);
    }

    /**
     * A writer of MOJO {@code version} 3 (Austin 3.6 and 3.7) or 4 (Austin 4, with repeated stacks) to {@code out};
     * writes the MOJO header immediately (into the buffer).
     *
     * @param out     the destination; closed by {@link #close()}
     * @param version 3 or 4
     * @throws IllegalArgumentException for another version
     */
    public MojoWriter(OutputStream out, int version) {
        if (version != 3 && version != 4) {
            throw new IllegalArgumentException("MOJO version " + version + " cannot be written (3 or 4)");
        }
        this.enc = new MojoEncoder(Objects.requireNonNull(out, "out"), version);
        this.lastStacks = version == 4 ? new HashMap<>() : null;
    }

    /** How many samples were written as repeated stacks (v4), so far. */
    public long repeats() {
        return repeats;
    }

    @Override
    public void write(ProfileEvent event) throws IOException {
        Objects.requireNonNull(event, "event");
        if (finished) {
            throw new IllegalStateException("MOJO writer already finished");
        }
        switch (event.type()) {
            case METADATA -> {
                Metadata m = (Metadata) event;
                enc.metadata(m.key(), m.value());
            }
            case SAMPLE -> sample((Sample) event);
        }
        enc.drainIfFull();
    }

    private void sample(Sample s) {
        ThreadKey thread = s.thread();
        MojoEncoder.Tables t = enc.bounded(enc.tables(thread.pid()));
        enc.stack(thread.pid(), thread.hasIid() ? thread.iid() : 0, thread.tid());
        List<FrameRef> frames = s.frames();
        if (lastStacks != null && repeated(thread, s)) {
            enc.event(Mojo.STACK_REPEAT);
            repeats++;
            metrics(s);
            return;
        }
        if (s.invalid()) {
            enc.event(Mojo.FRAME_INVALID);
        }
        needDefs.clear();
        for (int i = frames.size() - 1; i >= 0; i--) {
            FrameRef ref = frames.get(i);
            if (!ref.isKernel() && !enc.defined(t, ref)) {
                needDefs.add(ref);
                // Defined from here on, so a frame repeated by recursion is defined once.
                t.frames.put(enc.keyFor(t, ref), ref.frame());
            }
        }
        for (int i = 0, n = needDefs.size(); i < n; i++) {
            enc.define(t, needDefs.get(i));
        }
        for (int i = 0, n = frames.size(); i < n; i++) {
            FrameRef ref = frames.get(i);
            if (ref.isKernel()) {
                enc.kernel(ref.frame().scope());
            } else {
                enc.frameRef(enc.keyFor(t, ref));
            }
        }
        metrics(s);
    }

    /** v4: whether the sample repeats its thread's previous stack, as readers expand it; remembers this one. */
    private boolean repeated(ThreadKey thread, Sample s) {
        List<FrameRef> frames = s.frames();
        List<FrameRef> previous = s.invalid() ? lastStacks.remove(thread) : lastStacks.put(thread, frames);
        if (s.invalid() || previous == null || frames.isEmpty()) {
            return false;
        }
        if (lastStacks.size() > MAX_THREADS) {
            lastStacks.clear();
        }
        // The sampler hands out the same list for an unchanged stack; other sources get compared by value.
        return (previous == frames || previous.equals(frames)) && isKeptAtTheLeaf(frames.get(frames.size() - 1));
    }

    /** A frame that a reader expanding a repeat keeps at the leaf: not a kernel frame, not a "native" file. */
    private static boolean isKeptAtTheLeaf(FrameRef ref) {
        return !ref.isKernel() && !Mojo.isNativeFile(ref.frame().file());
    }

    private void metrics(Sample s) {
        if (s.gc()) {
            enc.event(Mojo.GC);
        }
        if (s.hasTime()) {
            enc.time(s.time());
        }
        if (s.idle()) {
            enc.event(Mojo.IDLE);
        }
        if (s.hasMemory()) {
            enc.memory(s.memory());
        }
    }

    @Override
    public void flush() throws IOException {
        enc.flush();
    }

    @Override
    public void finish() throws IOException {
        finished = true;
        flush();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            enc.close();
        }
    }
}
