package io.austin.formats;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;

/**
 * A push writer of stack events to one output (MOJO or collapsed text). Not thread-safe: one thread writes.
 * {@link #close()} finishes the output (pending sample, trailing separators), flushes and closes the stream.
 */
public interface StackEventWriter extends Closeable, Flushable {
    /** Writes one event. Output may be buffered until {@link #flush()} or {@link #close()}. */
    void write(StackEvent event) throws IOException;

    /** Writes what is complete so far to the underlying stream and flushes it. */
    @Override
    void flush() throws IOException;

    /**
     * Completes the output without closing the underlying stream: a pending sample is written as it stands and
     * the format's trailer, if any, follows. Further writes are errors. Idempotent.
     */
    void finish() throws IOException;
}
