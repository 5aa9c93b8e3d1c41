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
    /** The key of a kernel frame (Austin's native variant): its frame has file {@value #KERNEL_FILE} and line 0. */
    public static final long KERNEL = -2;
    /** The file of a kernel frame, as the text format prints it. */
    public static final String KERNEL_FILE = "kernel";

    public FrameRef {
        Objects.requireNonNull(frame, "frame");
    }

    /** A reference without a key, for sources that have none. */
    public static FrameRef of(Frame frame) {
        return new FrameRef(NO_KEY, frame);
    }

    /** A kernel frame, {@code kernel:<symbol>:0} in text. */
    public static FrameRef kernel(String symbol) {
        return new FrameRef(KERNEL, Frame.of(KERNEL_FILE, symbol, 0));
    }

    /** Whether this is a kernel frame. */
    public boolean isKernel() {
        return key == KERNEL;
    }

    @Override
    public Kind kind() {
        return Kind.FRAME_REF;
    }
}
