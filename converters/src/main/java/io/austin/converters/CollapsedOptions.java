package io.austin.converters;

import io.austin.formats.Compat;
import io.austin.formats.collapsed.CollapsedWriter;

/**
 * How {@link Conversions#toCollapsed} prints Austin's collapsed text (the mojo2austin layout: no empty lines).
 *
 * @param compat reproduce mojo2austin 1.7.1 byte for byte: a full-mode file that does not end with metadata loses
 *               its last sample's metrics and line end; string references print their text
 */
public record CollapsedOptions(boolean compat) {
    /** Nothing lost. */
    public static CollapsedOptions defaults() {
        return new CollapsedOptions(false);
    }

    /** The same options with another compat setting. */
    public CollapsedOptions withCompat(boolean value) {
        return new CollapsedOptions(value);
    }

    /** The text writer options these stand for. */
    public CollapsedWriter.Options writerOptions() {
        return CollapsedWriter.Options.mojo2austin().withCompat(compat ? Compat.AUSTIN_PYTHON_1_7 : Compat.NONE);
    }
}
