package io.austin.converters;

import io.austin.formats.Compat;
import io.austin.formats.collapsed.CollapsedWriter;
import java.util.Objects;

/**
 * How {@link Conversions#toCollapsed} prints Austin's collapsed text (the mojo2austin layout: no empty lines).
 *
 * @param compat which mojo2austin to reproduce byte for byte, or {@link Compat#NONE}: 1.7.1 loses a full-mode
 *               file's last metrics when no metadata follows and prints string references; 2.2.0 prints each
 *               sample when the next starts (the last after the footer), drops markers, and only the time in full
 *               mode
 */
public record CollapsedOptions(Compat compat) {
    public CollapsedOptions {
        Objects.requireNonNull(compat, "compat");
    }

    /** Nothing lost. */
    public static CollapsedOptions defaults() {
        return new CollapsedOptions(Compat.NONE);
    }

    /** The same options with another compat setting. */
    public CollapsedOptions withCompat(Compat value) {
        return new CollapsedOptions(value);
    }

    /** The same options reproducing austin-python 1.7.1 ({@code true}) or nothing. */
    public CollapsedOptions withCompat(boolean value) {
        return withCompat(value ? Compat.AUSTIN_PYTHON_1_7 : Compat.NONE);
    }

    /** The text writer options these stand for. */
    public CollapsedWriter.Options writerOptions() {
        return CollapsedWriter.Options.mojo2austin().withCompat(compat);
    }
}
