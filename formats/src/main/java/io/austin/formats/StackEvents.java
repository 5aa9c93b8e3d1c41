package io.austin.formats;

import io.austin.formats.collapsed.CollapsedReader;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoReader;
import io.austin.formats.mojo.MojoWriter;
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

/**
 * Reactor adapters over the codecs: open a file or stream as a {@code Flux<StackEvent>} (MOJO or collapsed text,
 * told apart by the {@code MOJ} magic) and write a {@code Flux<StackEvent>} as MOJO or text to a stream. (The
 * converters module's {@code Conversions} encodes into a {@code Flux<byte[]>} of chunks instead.)
 *
 * <p>Reading is lazy and pulls one event per request, so backpressure reaches the input and memory stays bounded.
 * Each subscription opens its own input and closes it on completion, error and cancellation. Reading and writing
 * run on the subscribing thread; use {@code subscribeOn}/{@code publishOn} to move them.
 */
public final class StackEvents {
    private StackEvents() {
    }

    /**
     * Options for reading.
     *
     * @param compat the reference quirks to reproduce when reading text (MOJO reading has none)
     */
    public record ReadOptions(Compat compat) {
        public ReadOptions {
            Objects.requireNonNull(compat, "compat");
        }

        /** Strict reading, nothing dropped. */
        public static ReadOptions defaults() {
            return new ReadOptions(Compat.NONE);
        }

        /** The same options with another compat setting. */
        public ReadOptions withCompat(Compat value) {
            return new ReadOptions(value);
        }
    }

    /** The two input formats. */
    public enum Format {
        /** MOJO binary. */
        MOJO,
        /** Austin's collapsed-stack text. */
        TEXT
    }

    /**
     * Opens a reader over {@code in}, detecting the format from its first bytes ({@code MOJ} means MOJO).
     *
     * @param in      the input, closed when the reader is closed
     * @param options reading options
     * @return a reader, not yet positioned
     * @throws IOException if the first bytes cannot be read
     */
    public static StackEventReader open(InputStream in, ReadOptions options) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(in, 3);
        Format format = detect(peek);
        return format == Format.MOJO
                ? new MojoReader(peek)
                : new CollapsedReader(peek, new CollapsedReader.Options(options.compat()));
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

    /** The events of the file at {@code path}, strictly read. See {@link #read(Callable, ReadOptions)}. */
    public static Flux<StackEvent> read(Path path) {
        return read(path, ReadOptions.defaults());
    }

    /** The events of the file at {@code path}. See {@link #read(Callable, ReadOptions)}. */
    public static Flux<StackEvent> read(Path path, ReadOptions options) {
        Objects.requireNonNull(path, "path");
        return read(() -> Files.newInputStream(path), options);
    }

    /**
     * The events of the stream {@code input} opens, MOJO or text. Emits one event per request, completes at the end
     * of the input, errors with a {@link FormatException} (naming the byte offset or line) on malformed input or
     * an {@link IOException} on a read failure. The stream is opened at subscription and closed on completion,
     * error and cancellation. Runs on the thread that requests.
     */
    public static Flux<StackEvent> read(Callable<? extends InputStream> input, ReadOptions options) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(options, "options");
        return events(() -> open(input.call(), options));
    }

    /**
     * The events of the reader {@code open} makes: one event per request, completing at the end of the input and
     * erroring with the reader's {@link IOException}. The reader is opened at subscription and closed on
     * completion, error and cancellation. Runs on the thread that requests. The bridge from any plain
     * {@link StackEventReader} (MOJO, text, a reference-compatible reader) to Reactor.
     */
    public static Flux<StackEvent> events(Callable<? extends StackEventReader> open) {
        Objects.requireNonNull(open, "open");
        return Flux.using(
                open,
                reader -> Flux.generate(sink -> {
                    try {
                        StackEvent e = reader.next();
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
     * Writes every event to the writer {@code writer} makes, and completes when the source completes and the
     * output is finished and flushed. The writer is created at subscription and closed (finishing and flushing
     * what it has, so nothing already written is lost) on completion, error and cancellation. Runs on the thread
     * that delivers the events.
     */
    public static Function<Flux<StackEvent>, Mono<Void>> write(Callable<? extends StackEventWriter> writer) {
        Objects.requireNonNull(writer, "writer");
        return events -> Mono.using(
                writer,
                w -> events.handle((StackEvent e, reactor.core.publisher.SynchronousSink<Void> sink) -> {
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
    public static Function<Flux<StackEvent>, Mono<Void>> writeMojo(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return write(() -> new MojoWriter(out));
    }

    /** {@link #write} as collapsed text to {@code out}, which is closed at the end. */
    public static Function<Flux<StackEvent>, Mono<Void>> writeText(OutputStream out,
            CollapsedWriter.Options options) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        return write(() -> new CollapsedWriter(out, options));
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing after an error or a cancel: the first failure is the one reported.
        }
    }
}
