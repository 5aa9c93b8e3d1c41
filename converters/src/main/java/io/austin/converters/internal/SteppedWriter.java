package io.austin.converters.internal;

import io.austin.formats.ProfileEventWriter;
import java.io.IOException;

/**
 * A writer whose end-of-input work (assembling a document from what it stored) can run in bounded steps, so that
 * a stream step can emit the output as demand arrives instead of all at once. Not API.
 */
public interface SteppedWriter extends ProfileEventWriter {
    /**
     * Does the next bounded part of {@link #finish()}, writing it to the output.
     *
     * @return true if more remains, false when the output is complete (and flushed)
     */
    boolean finishStep() throws IOException;

    /** Releases what the writer holds (temporary files) without finishing the output: the run was abandoned. */
    void discard() throws IOException;
}
