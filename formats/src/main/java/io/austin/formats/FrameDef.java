package io.austin.formats;

import java.util.Objects;

/**
 * Defines a frame key for the current process (MOJO event 3). The frame's strings are resolved at definition
 * time, as the MOJO spec requires; {@code fileKey} and {@code scopeKey} are kept so the definition can be written
 * back unchanged.
 *
 * @param key      the process-scoped frame key (Austin: code address bits and instruction offset)
 * @param fileKey  the string key of the file name
 * @param scopeKey the string key of the scope name
 * @param frame    the resolved frame
 */
public record FrameDef(long key, long fileKey, long scopeKey, Frame frame) implements StackEvent {
    public FrameDef {
        Objects.requireNonNull(frame, "frame");
    }

    @Override
    public Kind kind() {
        return Kind.FRAME_DEF;
    }
}
