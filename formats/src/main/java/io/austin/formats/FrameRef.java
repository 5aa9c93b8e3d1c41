package io.austin.formats;

import java.util.Objects;

/**
 * One frame of the current sample (MOJO event 5, text item {@code ;file:scope:line}); a sample's references come
 * root first.
 *
 * @param key   the process-scoped frame key, or {@link #NO_KEY} when the source has none (collapsed text); a MOJO
 *              writer then assigns one
 * @param frame the resolved frame
 */
public record FrameRef(long key, Frame frame) implements StackEvent {
    /** The key of a frame that came from a source without keys. */
    public static final long NO_KEY = -1;

    public FrameRef {
        Objects.requireNonNull(frame, "frame");
    }

    /** A reference without a key, for sources that have none. */
    public static FrameRef of(Frame frame) {
        return new FrameRef(NO_KEY, frame);
    }
}
