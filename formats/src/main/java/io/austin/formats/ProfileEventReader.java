package io.austin.formats;

import java.io.Closeable;
import java.io.IOException;

/**
 * A pull reader of whole samples and metadata from one input. Not thread-safe: one thread reads. Memory use is
 * bounded by the distinct strings, frames and threads of the input, never by its length.
 */
public interface ProfileEventReader extends Closeable {
    /**
     * Reads the next event.
     *
     * @return the next event, or {@code null} at the end of the input
     * @throws FormatException if the input is malformed; the message names the byte offset or line
     * @throws IOException     if reading fails
     */
    ProfileEvent next() throws IOException;
}
