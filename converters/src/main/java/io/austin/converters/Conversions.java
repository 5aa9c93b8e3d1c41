package io.austin.converters;

import io.austin.converters.html.HtmlOptions;
import io.austin.converters.html.HtmlRenderer;
import io.austin.converters.internal.SteppedWriter;
import io.austin.converters.profile.Profile;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The converters as stream steps: a {@code Flux<ProfileEvent>} (whole samples and metadata, as the sampler emits
 * them and {@link #readProfile} reads them) to collapsed text, MOJO, speedscope JSON, pprof or an HTML flame graph,
 * each as a {@code Flux<byte[]>} of output chunks to hand to {@link #writeTo(OutputStream)} or anywhere else.
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
        return new Step<>(out -> new Writer<>(new CollapsedWriter(out, layout)), true);
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
        return new Step<>(out -> new Writer<>(CompatText.mojo2austin(out, compat)), true);
    }

    /**
     * Encodes the samples as MOJO v3 (Austin's binary format, see {@link MojoWriter}): definitions generated as Austin
     * writes them. Emits chunks of up to about 64 KiB as samples complete, the last when the source completes; on a
     * source error, what was completed is emitted first, then the error. Cancel cancels the source. Runs on the
     * thread that delivers the samples.
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toMojo() {
        return toMojo(3);
    }

    /**
     * Like {@link #toMojo()}, in MOJO {@code version} 3 (Austin 3.7) or 4 (Austin 4: an unchanged stack is one
     * {@code STACK_REPEAT} event, see {@link MojoWriter#MojoWriter(OutputStream, int)}).
     *
     * @throws IllegalArgumentException for another version
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toMojo(int version) {
        if (version != 3 && version != 4) {
            throw new IllegalArgumentException("MOJO version " + version + " cannot be written (3 or 4)");
        }
        return new Step<>(out -> new Writer<>(new MojoWriter(out, version)), true);
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
        return new Step<>(out -> new Writer<>(new SpeedscopeWriter(out, options)), false);
    }

    /**
     * Converts the samples to a pprof profile (see {@link PprofWriter}). Emits chunks of the serialised message as
     * samples complete (every 64 KiB or so), then the tables when the source completes, and completes. Errors when
     * the source does. Cancel cancels the source and drops the rest. Runs on the thread that delivers the samples
     * (and, for the tables, on the one that requests them).
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toPprof(PprofOptions options) {
        Objects.requireNonNull(options, "options");
        return new Step<>(out -> new Writer<>(new PprofWriter(out, options)), false);
    }

    /**
     * Renders the samples as one self-contained HTML flame graph page (see {@link HtmlRenderer}): folds them into a
     * {@link Profile} first, so the page carries the call tree, never the samples. Emits nothing until the source
     * completes, then the page in chunks of about 64 KiB, and completes. Errors when the source does, with nothing
     * emitted. Cancel cancels the source. Runs on the thread that delivers the samples.
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toHtml(HtmlOptions options) {
        Objects.requireNonNull(options, "options");
        return events -> events.as(Profiles.aggregate())
                .flatMapIterable(profile -> rendered(out -> HtmlRenderer.write(profile, options, out)));
    }

    /**
     * Renders the samples as a differential HTML flame graph against {@code base} (see
     * {@link HtmlRenderer#writeDiff}): the samples' call tree, coloured by how much hotter or colder each frame got.
     * Emits, completes, errors and cancels as {@link #toHtml}; errors with an {@link IllegalArgumentException} when
     * the two profiles have no metric in common.
     */
    public static Function<Flux<ProfileEvent>, Flux<byte[]>> toHtmlDiff(Profile base, HtmlOptions options) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(options, "options");
        return events -> events.as(Profiles.aggregate())
                .flatMapIterable(profile -> rendered(out -> HtmlRenderer.writeDiff(base, profile, options, out)));
    }

    @FunctionalInterface
    private interface Rendering {
        void to(OutputStream out) throws IOException;
    }

    /** What {@code rendering} writes, as chunks of about 64 KiB. */
    private static List<byte[]> rendered(Rendering rendering) {
        List<byte[]> chunks = new ArrayList<>();
        OutputStream out = new OutputStream() {
            private final byte[] buffer = new byte[1 << 16];
            private int length;

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                while (len > 0) {
                    int n = Math.min(len, buffer.length - length);
                    System.arraycopy(b, off, buffer, length, n);
                    length += n;
                    off += n;
                    len -= n;
                    if (length == buffer.length) {
                        flush();
                    }
                }
            }

            @Override
            public void flush() {
                if (length > 0) {
                    chunks.add(Arrays.copyOf(buffer, length));
                    length = 0;
                }
            }
        };
        try {
            rendering.to(out);
            out.flush();
        } catch (IOException cannot) {
            throw new java.io.UncheckedIOException(cannot); // memory does not fail
        }
        return chunks;
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

    /**
     * Converts with {@code step} and writes the output to {@code out}: the same bytes, emissions and errors as
     * {@code events.transform(step).as(writeTo(out))}, but the steps of this class write straight to {@code out},
     * without handing each block over as a chunk (one copy and one allocation fewer per block: the form for files
     * and pipes). Emits the number of bytes written; {@code out} is flushed however it ends and never closed. Runs
     * on the thread that delivers the events (and, for what is written at the end, on the one that subscribes).
     *
     * <pre>{@code
     * Conversions.readProfile(input, Compat.NONE)
     *         .as(Conversions.writeTo(Conversions.toCollapsed(CollapsedWriter.Layout.PLAIN), out))
     *         .block();
     * }</pre>
     */
    public static <E> Function<Flux<E>, Mono<Long>> writeTo(Function<? super Flux<E>, ? extends Flux<byte[]>> step,
            OutputStream out) {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(out, "out");
        Object given = step;
        if (given instanceof Step<?> s) {
            @SuppressWarnings("unchecked")
            Step<E> own = (Step<E>) s;
            return events -> own.writeTo(events, out);
        }
        return events -> events.transform(step).as(writeTo(out));
    }

    /** One of this class's conversion steps: the writer it uses, to emit chunks or to write to a stream. */
    private static final class Step<E> implements Function<Flux<E>, Flux<byte[]>> {
        private final WriterFactory<E> factory;
        /** On a source error, emit what the writer completed before the error (text lines). */
        private final boolean salvage;

        Step(WriterFactory<E> factory, boolean salvage) {
            this.factory = factory;
            this.salvage = salvage;
        }

        @Override
        public Flux<byte[]> apply(Flux<E> events) {
            return encode(events, factory, salvage);
        }

        Mono<Long> writeTo(Flux<E> events, OutputStream out) {
            return Mono.using(() -> new Direct<>(factory, out), direct -> events.<Void>handle((e, sink) -> {
                try {
                    direct.writer.write(e);
                } catch (IOException x) {
                    sink.error(x);
                }
            }).then(Mono.fromCallable(direct::finish)).onErrorResume(error -> Mono.error(direct.fail(error, salvage))),
                    Direct::release);
        }
    }

    /** A writer over a caller's stream, counting what it writes. */
    private static final class Direct<E> {
        final Counting out;
        final Writer<E> writer;
        boolean done;

        Direct(WriterFactory<E> factory, OutputStream target) throws IOException {
            out = new Counting(target);
            writer = factory.open(out);
        }

        long finish() throws IOException {
            while (writer.finishStep()) {
                // the document writers finish in parts
            }
            done = true;
            out.flush();
            return out.count;
        }

        /** Flushes what the writer completed (when {@code salvage}), then gives {@code error} back. */
        Throwable fail(Throwable error, boolean salvage) {
            if (salvage && !done) {
                try {
                    writer.flush();
                } catch (IOException x) {
                    if (x != error) { // a failing stream fails again with the same exception
                        error.addSuppressed(x);
                    }
                }
            }
            done = true;
            try {
                out.flush();
            } catch (IOException ignored) {
                // The failure that stopped the conversion is reported; a failing flush adds nothing.
            }
            return error;
        }

        void release() {
            try {
                if (writer.target instanceof SteppedWriter s) {
                    s.discard(); // temporary files, whatever the end
                }
            } catch (IOException ignored) {
                // Nothing to report to: the subscription is over.
            }
        }
    }

    /** Passes bytes to the caller's stream and counts them; never closes it. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush(); // the caller's stream stays open
        }
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
            if (x != error) {
                error.addSuppressed(x);
            }
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

    /**
     * Collects what a writer drains; {@link #take()} hands it out as one chunk. A writer drains its own buffer in
     * large blocks: such a block, written while nothing else is pending, is copied once, into the chunk itself.
     */
    private static final class ChunkBuffer extends OutputStream {
        private static final int WHOLE = 1 << 12;
        private byte[] bytes = new byte[1 << 12];
        private int length;
        /** A large write's exact copy, pending alone (then {@code length} is 0). */
        private byte[] whole;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (whole == null && length == 0 && len >= WHOLE) {
                whole = Arrays.copyOfRange(b, off, off + len);
                return;
            }
            if (whole != null) {
                byte[] w = whole;
                whole = null;
                append(w, 0, w.length);
            }
            append(b, off, len);
        }

        private void append(byte[] b, int off, int len) {
            if (length + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
            }
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        byte[] take() {
            if (whole != null) {
                byte[] w = whole;
                whole = null;
                return w;
            }
            if (length == 0) {
                return null;
            }
            byte[] chunk = Arrays.copyOf(bytes, length);
            length = 0;
            return chunk;
        }
    }
}
