package io.austin.formats;

import java.util.Objects;

/**
 * A reference to a string key (MOJO event 12), resolved. Austin 3.7 never emits it; it is read for completeness.
 *
 * @param key   the referenced key
 * @param value the text it resolved to
 */
public record StringRef(long key, String value) implements StackEvent {
    public StringRef {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
        return Kind.STRING_REF;
    }
}
