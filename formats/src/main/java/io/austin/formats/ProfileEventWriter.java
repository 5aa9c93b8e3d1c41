package io.austin.formats;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;

/**
 * A push writer of whole samples and metadata to one output. Not thread-safe: one thread writes. {@link #close()}
 * finishes the output (trailing separators), flushes and closes the stream.
 */
public interface ProfileEventWriter extends Closeable, Flushable {
    /** Writes one event. Output may be buffered until {@link #flush()} or {@link #close()}. */
    void write(ProfileEvent event) throws IOException;

    /** Writes what is complete so far to the underlying stream and flushes it. */
    @Override
    void flush() throws IOException;

    /**
     * Completes the output without closing the underlying stream: the format's trailer, if any, is written. Further
     * writes are errors. Idempotent.
     */
    void finish() throws IOException;
}
