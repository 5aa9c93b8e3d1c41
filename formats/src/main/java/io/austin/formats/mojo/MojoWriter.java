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
import java.util.List;
import java.util.Objects;

/**
 * Writes whole samples as MOJO version 3, the way Austin 3.7 writes them (spec Part B): each sample is
 * {@code STACK}, {@code FRAME_INVALID} when the stack is incomplete, the {@code STRING} and {@code FRAME}
 * definitions this process has not had yet (leaf to root, as Austin emits them), the {@code FRAME_REF}s root to
 * leaf, {@code GC}, then the metrics ({@code METRIC_TIME}, {@code IDLE}, {@code METRIC_MEMORY}). Frames keep their
 * keys (the sampler's are Austin's: code address and instruction offset); keyless frames get keys by value. Strings
 * get keys numbered from 2 per process.
 *
 * <p>The 4-byte header is written when the writer is created, as Austin does before it starts the target. Output
 * is buffered in whole samples. Not thread-safe.
 */
public final class MojoWriter implements ProfileEventWriter {
    private final MojoEncoder enc;
    private final List<FrameRef> needDefs = new ArrayList<>();
    private boolean finished;

    /**
     * A writer to {@code out}; writes the MOJO header immediately (into the buffer).
     *
     * @param out the destination; closed by {@link #close()}
     */
    public MojoWriter(OutputStream out) {
        this.enc = new MojoEncoder(Objects.requireNonNull(out, "out"), Mojo.WRITE_VERSION);
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
        if (s.invalid()) {
            enc.event(Mojo.FRAME_INVALID);
        }
        List<FrameRef> frames = s.frames();
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
