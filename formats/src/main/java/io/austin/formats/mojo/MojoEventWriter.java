package io.austin.formats.mojo;

import io.austin.formats.FrameDef;
import io.austin.formats.FrameRef;
import io.austin.formats.KernelFrame;
import io.austin.formats.MemoryMetric;
import io.austin.formats.Metadata;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEventWriter;
import io.austin.formats.StackHeader;
import io.austin.formats.StringDef;
import io.austin.formats.StringRef;
import io.austin.formats.TimeMetric;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes MOJO version 3 from codec events, byte-compatible with Austin 3.7: reading a v3 file with
 * {@link MojoReader} and writing its events here reproduces it byte for byte.
 *
 * <p>Definitions present in the input ({@link StringDef}, {@link FrameDef}) are written as they come. A
 * {@link FrameRef} whose key has not been defined for the current process (or was defined with another frame) gets
 * its definitions generated the way Austin emits them: inside the sample that first needs them, before its first
 * frame reference, leaf to root, each frame preceded by the {@code STRING}s it needs. References without a key are
 * interned by value. So any event source, with or without definitions, yields a valid stream. Whole samples are
 * better written with {@link MojoWriter}.
 *
 * <p>The 4-byte header is written when the writer is created. Output is buffered; {@link #flush()} pushes whole
 * samples only. Not thread-safe.
 */
public final class MojoEventWriter implements StackEventWriter {
    private final MojoEncoder enc;
    private boolean finished;

    /** The body of the current sample, held until it ends so that generated definitions can precede it. */
    private final List<StackEvent> sample = new ArrayList<>();
    private boolean inSample;
    private boolean fullMode;
    private final ArrayList<FrameRef> needDefs = new ArrayList<>();

    /**
     * A writer to {@code out}; writes the MOJO header immediately (into the buffer).
     *
     * @param out the destination; closed by {@link #close()}
     */
    public MojoEventWriter(OutputStream out) {
        this.enc = new MojoEncoder(Objects.requireNonNull(out, "out"), Mojo.WRITE_VERSION);
    }

    @Override
    public void write(StackEvent event) throws IOException {
        Objects.requireNonNull(event, "event");
        if (finished) {
            throw new IllegalStateException("MOJO writer already finished");
        }
        switch (event.kind()) {
            case STACK_HEADER -> {
                endSample();
                enc.tables(((StackHeader) event).pid());
                inSample = true;
                sample.add(event);
            }
            case METADATA -> {
                endSample();
                Metadata m = (Metadata) event;
                if ("mode".equals(m.key())) {
                    fullMode = "full".equals(m.value());
                }
                encode(event);
            }
            default -> {
                if (inSample) {
                    sample.add(event);
                    // The last metric completes a sample: write it now rather than at the next one (live pipes).
                    if (event instanceof MemoryMetric || event instanceof TimeMetric && !fullMode) {
                        endSample();
                    }
                } else {
                    encode(event);
                }
            }
        }
        enc.drainIfFull();
    }

    @Override
    public void flush() throws IOException {
        enc.flush();
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
            enc.close();
        }
    }

    private void endSample() {
        if (!inSample) {
            return;
        }
        inSample = false;
        MojoEncoder.Tables t = enc.tables();
        // First pass: apply the sample's own definitions in order (they precede the references they serve).
        needDefs.clear();
        int firstRef = -1;
        for (int i = 0, n = sample.size(); i < n; i++) {
            StackEvent e = sample.get(i);
            if (e instanceof FrameRef) {
                if (firstRef < 0) {
                    firstRef = i;
                }
            } else if (e instanceof FrameDef d) {
                t.frames.put(d.key(), d.frame());
            } else if (e instanceof StringDef d) {
                t.strings.put(d.key(), d.value());
                t.stringKeys.putIfAbsent(d.value(), d.key());
            }
        }
        // Second pass, leaf to root as Austin does: references whose frame this process has not defined yet.
        for (int i = sample.size() - 1; i >= 0 && firstRef >= 0; i--) {
            if (sample.get(i) instanceof FrameRef ref && !enc.defined(t, ref)) {
                needDefs.add(ref);
                // Defined from here on, so a frame repeated by recursion is defined once.
                t.frames.put(enc.keyFor(t, ref), ref.frame());
            }
        }
        for (int i = 0, n = sample.size(); i < n; i++) {
            if (i == firstRef) {
                for (int j = 0; j < needDefs.size(); j++) {
                    enc.define(t, needDefs.get(j));
                }
            }
            StackEvent e = sample.get(i);
            if (e instanceof FrameRef ref) {
                enc.frameRef(enc.keyFor(t, ref));
            } else {
                encode(e);
            }
        }
        sample.clear();
    }

    private void encode(StackEvent event) {
        switch (event.kind()) {
            case FRAME_REF -> enc.frameRef(((FrameRef) event).key());
            case STACK_HEADER -> {
                StackHeader h = (StackHeader) event;
                enc.stack(h.pid(), h.hasIid() ? h.iid() : 0, h.tid());
            }
            case TIME_METRIC -> enc.time(((TimeMetric) event).value());
            case MEMORY_METRIC -> enc.memory(((MemoryMetric) event).value());
            case FRAME_DEF -> {
                FrameDef d = (FrameDef) event;
                enc.frame(d.key(), d.fileKey(), d.scopeKey(), d.frame());
            }
            case STRING_DEF -> {
                StringDef d = (StringDef) event;
                enc.string(d.key(), d.value());
            }
            case IDLE_MARKER -> enc.event(Mojo.IDLE);
            case INVALID_FRAME -> enc.event(Mojo.FRAME_INVALID);
            case GC_MARKER -> enc.event(Mojo.GC);
            case METADATA -> {
                Metadata m = (Metadata) event;
                enc.metadata(m.key(), m.value());
            }
            case KERNEL_FRAME -> enc.kernel(((KernelFrame) event).scope());
            case STRING_REF -> enc.stringRef(((StringRef) event).key());
        }
    }
}
