package io.austin.formats;

import java.util.Objects;

/**
 * A {@code key: value} metadata pair (MOJO event 1, text line {@code # key: value}). Before the first sample it
 * belongs to the header (austin, interval, mode, ...), after it to the footer (duration, gc, ...).
 *
 * @param key   the key, never null
 * @param value the value as text, never null
 */
public record Metadata(String key, String value) implements StackEvent, ProfileEvent {
    public Metadata {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
        return Kind.METADATA;
    }

    @Override
    public Type type() {
        return Type.METADATA;
    }
}
