package io.austin.formats;

import java.util.Objects;

/**
 * Defines a string key for the current process (MOJO event 11). Only needed to re-encode MOJO exactly; frames
 * referring to it already carry the resolved text.
 *
 * @param key   the process-scoped key (Austin: the string's remote address masked to 27 bits)
 * @param value the text
 */
public record StringDef(long key, String value) implements StackEvent {
    public StringDef {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
        return Kind.STRING_DEF;
    }
}
