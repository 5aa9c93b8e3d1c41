package io.austin.converters;

import io.austin.converters.internal.SteppedWriter;
import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.pprof.PprofWriter;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.converters.speedscope.SpeedscopeWriter;
import io.austin.formats.Compat;
import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEventWriter;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.collapsed.compat.CompatText;
import io.austin.formats.mojo.MojoWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The converters as stream steps: a {@code Flux<ProfileEvent>} (whole samples and metadata, as the sampler emits
 * them and {@link #readProfile} reads them) to collapsed text, MOJO, speedscope JSON or pprof, each as a
 * {@code Flux<byte[]>} of output chunks to hand to {@link #writeTo(OutputStream)} or anywhere else.
 *
 * <pre>{@code
 * long bytes = Conversions.readProfile(() -> Files.newInputStream(in), Compat.NONE)
 *         .transform(Conversions.toPprof(PprofOptions.defaults()))
 *         .as(Conversions.writeTo(out))
 *         .block();
 * }</pre>
 *
 * <p>Every step is synchronous: it runs on the thread that delivers the samples, and the chunks it emits after the
 * source completes are produced on the thread that requests them. Memory is bounded by the distinct frames, stacks
 * and threads, never by the number of samples; the speedscope step keeps its samples in a temporary file until the
 * end, because the document lists totals before samples.
 */
public final class Conversions {
    private Conversions() {
    }

    /**
     * The samples of a MOJO or text input (told apart by the {@code MOJ} magic) as the profile converters read them.
     *
     * <p>By default this is {@link StackEvents#profile(Callable)}, strict and lossless: a malformed line or event is
     * an error. With {@link Compat#AUSTIN_PYTHON_1_7} the input is seen exactly as austin2speedscope and austin2pprof
     * 1.7.1 see it (text through their text reader; MOJO first printed as mojo2austin 1.7.1 does and that text read
     * the same way), so that the first sample is lost and marker samples are dropped, as in the reference pipeline.
     * With {@link Compat#AUSTIN_PYTHON_2_2} MOJO goes through mojo2austin 2.2.0's text.
     *
     * <p>Emits one element per request and completes at the end of the input; errors with a
     * {@link io.austin.formats.FormatException} naming the byte offset or line, or another {@link IOException}.
     * The input is opened on subscription and closed on completion, error or cancel. Runs on the requesting thread.
     */
    public static Flux<ProfileEvent> readProfile(Callable<? extends InputStream> input, Compat compat) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(compat, "compat");
        return StackEvents.profileEvents(() -> StackEvents.samples(CompatText.profileReader(input.call(), compat)));
    }

    /**
     * Prints the samples as Austin's collapsed text in {@code layout} ({@link CollapsedWriter.Layout#PLAIN} is
     * mojo2austin's). Emits chunks of up to about 64 KiB as the text is produced (so it streams), the last when the
     * source completes, then completes. When the source errors, the lines completed so far are emitted first, then
     * the error. Cancel cancels the source and drops what was not emitted. Runs on the thread that delivers the
     * samples (and, for the last chunk, on the one that requests it).
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toCollapsed(CollapsedWriter.Layout layout) {
        Objects.requireNonNull(layout, "layout");
        return events -> encode(events, out -> new Writer<>(new CollapsedWriter(out, layout)), true);
    }

    /**
     * Prints codec events exactly as {@code mojo2austin} of {@code compat} does, losses included (the reference
     * prints as events come, so this step takes codec events: {@link StackEvents#read(Callable)}). Emits and
     * completes as {@link #toCollapsed}.
     *
     * @throws IllegalArgumentException for {@link Compat#NONE}: use {@link #toCollapsed}
     */
    public static Function<Flux<StackEvent>, Flux<byte[]>> toReferenceText(Compat compat) {
        Objects.requireNonNull(compat, "compat");
        if (compat == Compat.NONE) {
            throw new IllegalArgumentException("no reference to reproduce: use toCollapsed");
        }
        return events -> encode(events, out -> new Writer<>(CompatText.mojo2austin(out, compat)), true);
    }

    /**
     * Encodes the samples as MOJO v3 (Austin's binary format, see {@link MojoWriter}): definitions generated as Austin
     * writes them. Emits chunks of up to about 64 KiB as samples complete, the last when the source completes; on a
     * source error, what was completed is emitted first, then the error. Cancel cancels the source. Runs on the
     * thread that delivers the samples.
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toMojo() {
        return events -> encode(events, out -> new Writer<>(new MojoWriter(out)), true);
    }

    /**
     * Converts the samples to one speedscope document (see {@link SpeedscopeWriter}). Emits nothing until the source
     * completes (the document starts with totals), then the document in chunks as they are requested, and completes.
     * Errors when the source does, with nothing emitted. Cancel cancels the source; cancel and error release the
     * temporary file. Collects on the thread that delivers the samples and writes the document on the thread that
     * requests the chunks.
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toSpeedscope(SpeedscopeOptions options) {
        Objects.requireNonNull(options, "options");
        return events -> encode(events, out -> new Writer<>(new SpeedscopeWriter(out, options)), false);
    }

    /**
     * Converts the samples to a pprof profile (see {@link PprofWriter}). Emits chunks of the serialised message as
     * samples complete (every 64 KiB or so), then the tables when the source completes, and completes. Errors when
     * the source does. Cancel cancels the source and drops the rest. Runs on the thread that delivers the samples
     * (and, for the tables, on the one that requests them).
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toPprof(PprofOptions options) {
        Objects.requireNonNull(options, "options");
        return events -> encode(events, out -> new Writer<>(new PprofWriter(out, options)), false);
    }

    /**
     * Writes every chunk to {@code out} and flushes it. Emits the number of bytes written when the chunks complete;
     * errors with the {@link IOException} of a failed write, or with the upstream error. {@code out} is flushed
     * however it ends (so output already written is not lost) and never closed. Runs on the emitting thread.
     */
    public static Function<Flux<byte[]>, Mono<Long>> writeTo(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return chunks -> chunks.<Long>handle((chunk, sink) -> {
            try {
                out.write(chunk);
                sink.next((long) chunk.length);
            } catch (IOException x) {
                sink.error(x);
            }
        }).reduce(0L, Long::sum).doFinally(signal -> {
            try {
                out.flush();
            } catch (IOException ignored) {
                // The write that failed has been reported; a failing flush adds nothing.
            }
        });
    }

    /** A profile or codec-event writer behind one interface, with the stepped finish of the document writers. */
    private static final class Writer<E> {
        private final Object target;

        Writer(ProfileEventWriter w) {
            target = w;
        }

        Writer(StackEventWriter w) {
            target = w;
        }

        @SuppressWarnings("unchecked")
        void write(E e) throws IOException {
            if (target instanceof ProfileEventWriter p) {
                p.write((ProfileEvent) e);
            } else {
                ((StackEventWriter) target).write((StackEvent) e);
            }
        }

        void flush() throws IOException {
            if (target instanceof ProfileEventWriter p) {
                p.flush();
            } else {
                ((StackEventWriter) target).flush();
            }
        }

        /** The next part of the end-of-input output; false when it is complete. */
        boolean finishStep() throws IOException {
            if (target instanceof SteppedWriter s) {
                return s.finishStep();
            }
            if (target instanceof ProfileEventWriter p) {
                p.finish();
            } else {
                ((StackEventWriter) target).finish();
            }
            return false;
        }

        void release() throws IOException {
            if (target instanceof SteppedWriter s) {
                s.discard();
            } else if (target instanceof ProfileEventWriter p) {
                p.close();
            } else {
                ((StackEventWriter) target).close();
            }
        }
    }

    @FunctionalInterface
    private interface WriterFactory<E> {
        Writer<E> open(OutputStream out) throws IOException;
    }

    /** @param salvage on a source error, emit what the writer completed before the error (text lines) */
    private static <E> Flux<byte[]> encode(Flux<E> events, WriterFactory<E> factory, boolean salvage) {
        return Flux.using(() -> new Session<>(factory), session -> events.<byte[]>handle((e, sink) -> {
            try {
                session.writer.write(e);
                byte[] chunk = session.buffer.take();
                if (chunk != null) {
                    sink.next(chunk);
                }
            } catch (IOException x) {
                sink.error(x);
            }
        }).onErrorResume(error -> salvage ? Flux.defer(() -> salvaged(session, error)) : Flux.error(error))
                .concatWith(Flux.generate(sink -> {
            try {
                boolean more = true;
                byte[] chunk = null;
                while (chunk == null && more) {
                    more = session.step();
                    chunk = session.buffer.take();
                }
                if (chunk != null) {
                    sink.next(chunk);
                }
                if (!more) {
                    sink.complete();
                }
            } catch (IOException | RuntimeException x) {
                sink.error(x);
            }
        })), Session::release);
    }

    /** What the writer completed before {@code error}, then the error. */
    private static Flux<byte[]> salvaged(Session<?> session, Throwable error) {
        try {
            session.writer.flush();
        } catch (IOException x) {
            error.addSuppressed(x);
        }
        session.done = true;
        byte[] chunk = session.buffer.take();
        return chunk == null ? Flux.error(error) : Flux.just(chunk).concatWith(Flux.error(error));
    }

    /** One subscription's writer and the buffer it writes to. */
    private static final class Session<E> {
        final ChunkBuffer buffer = new ChunkBuffer();
        final Writer<E> writer;
        boolean done;

        Session(WriterFactory<E> factory) throws IOException {
            writer = factory.open(buffer);
        }

        /** The next part of the end-of-input output; false when it is complete. */
        boolean step() throws IOException {
            if (done) {
                return false;
            }
            done = !writer.finishStep();
            return !done;
        }

        void release() {
            try {
                if (!done || writer.target instanceof SteppedWriter) {
                    writer.release();
                }
            } catch (IOException ignored) {
                // Nothing to report to: the subscription is over.
            }
        }
    }

    /** Collects what a writer drains; {@link #take()} hands it out as one chunk. */
    private static final class ChunkBuffer extends OutputStream {
        private byte[] bytes = new byte[1 << 12];
        private int length;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (length + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
            }
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        byte[] take() {
            if (length == 0) {
                return null;
            }
            byte[] chunk = Arrays.copyOf(bytes, length);
            length = 0;
            return chunk;
        }
    }
}
