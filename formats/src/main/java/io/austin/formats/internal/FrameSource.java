package io.austin.formats.internal;

import io.austin.formats.FrameRef;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEventReader;
import java.io.IOException;

/**
 * A reader that can hand the frame references of a sample straight to whoever assembles it, instead of returning
 * them one by one: a sample has tens of them, and each returned event costs a dispatch on its kind. Not API.
 */
public interface FrameSource extends StackEventReader {
    /** Receives frame references, root first. */
    @FunctionalInterface
    interface FrameSink {
        void frame(FrameRef ref);
    }

    /**
     * The next event that is not a frame reference, or null at the end; the frame references before it go to
     * {@code sink}, in order. The events are those {@link #next()} returns, in the same order.
     */
    StackEvent next(FrameSink sink) throws IOException;
}
