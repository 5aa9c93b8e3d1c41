package io.austin.formats;

import io.austin.formats.collapsed.CollapsedReader;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoReader;
import io.austin.formats.mojo.MojoWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * Opens profiles and adapts between the two vocabularies: codec events ({@link StackEvent}, what MOJO and text are
 * made of) and whole samples ({@link ProfileEvent}, what the sampler emits and the converters consume). Plain readers
 * ({@link #open}, {@link #samples(StackEventReader)}) for code without Reactor; {@code Flux} sources and steps for
 * pipelines.
 *
 * <p>Reading is lazy and pulls one element per request, so backpressure reaches the input and memory stays bounded.
 * Each subscription opens its own input and closes it on completion, error and cancellation. Reading and writing run
 * on the subscribing thread; use {@code subscribeOn}/{@code publishOn} to move them.
 */
public final class StackEvents {
    private StackEvents() {
    }

    /** The two input formats. */
    public enum Format {
        /** MOJO binary. */
        MOJO,
        /** Austin's collapsed-stack text. */
        TEXT
    }

    /**
     * Opens a reader of the codec events of {@code in}, detecting the format from its first bytes ({@code MOJ} means
     * MOJO, anything else is read as text, strictly).
     *
     * @param in the input, closed when the reader is closed
     * @return a reader, not yet positioned
     * @throws IOException if the first bytes cannot be read
     */
    public static StackEventReader open(InputStream in) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(in, 3);
        return detect(peek) == Format.MOJO ? new MojoReader(peek) : new CollapsedReader(peek);
    }

    /** Detects the format of {@code in} from its first bytes and pushes them back. */
    public static Format detect(PushbackInputStream in) throws IOException {
        byte[] head = new byte[3];
        int n = 0;
        while (n < 3) {
            int r = in.read(head, n, 3 - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        if (n > 0) {
            in.unread(head, 0, n);
        }
        return n == 3 && head[0] == 'M' && head[1] == 'O' && head[2] == 'J' ? Format.MOJO : Format.TEXT;
    }

    /**
     * The whole samples and metadata of a reader of codec events: a sample is complete at its last metric when the
     * header's {@code mode} tells which that is, else at the next header, metadata or the end. A thread whose stack
     * did not change gets the same frames list again. Closing the result closes {@code events}.
     */
    public static ProfileEventReader samples(StackEventReader events) {
        return new SampleAssembler(events);
    }

    /** The samples and metadata of the file at {@code path}, MOJO or text. See {@link #profile(Callable)}. */
    public static Flux<ProfileEvent> profile(Path path) {
        Objects.requireNonNull(path, "path");
        return profile(() -> Files.newInputStream(path));
    }

    /**
     * The samples and metadata of the stream {@code input} opens, MOJO or text. Emits one element per request,
     * completes at the end of the input, errors with a {@link FormatException} (naming the byte offset or line) on
     * malformed input or an {@link IOException} on a read failure. The stream is opened at subscription and closed
     * on completion, error and cancellation. Runs on the thread that requests.
     */
    public static Flux<ProfileEvent> profile(Callable<? extends InputStream> input) {
        Objects.requireNonNull(input, "input");
        return pull(() -> samples(open(input.call())), ProfileEventReader::next);
    }

    /** The codec events of the file at {@code path}. See {@link #read(Callable)}. */
    public static Flux<StackEvent> read(Path path) {
        Objects.requireNonNull(path, "path");
        return read(() -> Files.newInputStream(path));
    }

    /**
     * The codec events of the stream {@code input} opens, MOJO or text, with the same contract as
     * {@link #profile(Callable)}.
     */
    public static Flux<StackEvent> read(Callable<? extends InputStream> input) {
        Objects.requireNonNull(input, "input");
        return events(() -> open(input.call()));
    }

    /**
     * The events of the reader {@code open} makes: one event per request, completing at the end of the input and
     * erroring with the reader's {@link IOException}. The reader is opened at subscription and closed on completion,
     * error and cancellation. Runs on the thread that requests.
     */
    public static Flux<StackEvent> events(Callable<? extends StackEventReader> open) {
        Objects.requireNonNull(open, "open");
        return pull(open, StackEventReader::next);
    }

    /** As {@link #events(Callable)}, for a reader of whole samples. */
    public static Flux<ProfileEvent> profileEvents(Callable<? extends ProfileEventReader> open) {
        Objects.requireNonNull(open, "open");
        return pull(open, ProfileEventReader::next);
    }

    @FunctionalInterface
    private interface Next<R, T> {
        T next(R reader) throws IOException;
    }

    private static <R extends Closeable, T> Flux<T> pull(Callable<? extends R> open, Next<R, T> next) {
        return Flux.using(
                open,
                reader -> Flux.generate((SynchronousSink<T> sink) -> {
                    try {
                        T e = next.next(reader);
                        if (e == null) {
                            sink.complete();
                        } else {
                            sink.next(e);
                        }
                    } catch (IOException | RuntimeException x) {
                        sink.error(x);
                    }
                }),
                StackEvents::closeQuietly);
    }

    /**
     * Assembles codec events into whole samples (see {@link #samples(StackEventReader)}). Emits each sample when it
     * is complete and the last when the source completes; errors pass through after the samples completed before
     * them. Runs on the thread that delivers the events.
     */
    public static Function<Flux<StackEvent>, Flux<ProfileEvent>> samples() {
        return events -> Flux.defer(() -> {
            SampleAssembler assembler = new SampleAssembler();
            return events.concatMapIterable(assembler::push)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(assembler.push(null))));
        });
    }

    /** Expands whole samples into codec events, in the order Austin writes them. Runs on the delivering thread. */
    public static Function<Flux<ProfileEvent>, Flux<StackEvent>> events() {
        return profile -> profile.concatMapIterable(SampleEvents::of);
    }

    /**
     * Writes every element to the writer {@code writer} makes, and completes when the source completes and the output
     * is finished and flushed. The writer is created at subscription and closed (finishing and flushing what it has,
     * so nothing already written is lost) on completion, error and cancellation. Runs on the thread that delivers.
     */
    public static Function<Flux<ProfileEvent>, Mono<Void>> write(Callable<? extends ProfileEventWriter> writer) {
        Objects.requireNonNull(writer, "writer");
        return events -> Mono.using(
                writer,
                w -> events.handle((ProfileEvent e, SynchronousSink<Void> sink) -> {
                    try {
                        w.write(e);
                    } catch (IOException x) {
                        sink.error(x);
                    }
                }).then(Mono.fromCallable(() -> {
                    w.finish();
                    return Boolean.TRUE;
                })).then(),
                StackEvents::closeQuietly);
    }

    /** As {@link #write}, for codec events and a {@link StackEventWriter}. */
    public static Function<Flux<StackEvent>, Mono<Void>> writeEvents(Callable<? extends StackEventWriter> writer) {
        Objects.requireNonNull(writer, "writer");
        return events -> Mono.using(
                writer,
                w -> events.handle((StackEvent e, SynchronousSink<Void> sink) -> {
                    try {
                        w.write(e);
                    } catch (IOException x) {
                        sink.error(x);
                    }
                }).then(Mono.fromCallable(() -> {
                    w.finish();
                    return Boolean.TRUE;
                })).then(),
                StackEvents::closeQuietly);
    }

    /** {@link #write} as MOJO v3 to {@code out}, which is closed at the end. */
    public static Function<Flux<ProfileEvent>, Mono<Void>> writeMojo(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return write(() -> new MojoWriter(out));
    }

    /** {@link #write} as collapsed text in {@code layout} to {@code out}, which is closed at the end. */
    public static Function<Flux<ProfileEvent>, Mono<Void>> writeText(OutputStream out, CollapsedWriter.Layout layout) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(layout, "layout");
        return write(() -> new CollapsedWriter(out, layout));
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing after an error or a cancel: the first failure is the one reported.
        }
    }
}
