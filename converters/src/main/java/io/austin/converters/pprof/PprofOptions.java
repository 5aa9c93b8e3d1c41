package io.austin.converters.pprof;

import io.austin.formats.Compat;
import java.util.Objects;

/**
 * How {@link PprofWriter} writes a pprof profile.
 *
 * @param compat which austin2pprof to reproduce byte for byte, or {@link Compat#NONE}. 1.7.1: one signed value per
 *               sample in memory mode (under two declared sample types), samples with markers dropped. 2.2.0:
 *               labels {@code Thread ID} (the bare tid), {@code Process ID}, {@code Interpreter ID}. The input
 *               events must then be read as that tool reads them (see {@code Conversions.readProfile}).
 * @param gzip   gzip the output; the reference writes the raw message, which every pprof tool also accepts
 */
public record PprofOptions(Compat compat, boolean gzip) {
    public PprofOptions {
        Objects.requireNonNull(compat, "compat");
    }

    /** No quirks, not compressed. */
    public static PprofOptions defaults() {
        return new PprofOptions(Compat.NONE, false);
    }

    /** The same options with another compat setting. */
    public PprofOptions withCompat(Compat value) {
        return new PprofOptions(value, gzip);
    }

    /** The same options reproducing austin-python 1.7.1 ({@code true}) or nothing. */
    public PprofOptions withCompat(boolean value) {
        return withCompat(value ? Compat.AUSTIN_PYTHON_1_7 : Compat.NONE);
    }

    /** The same options with or without gzip. */
    public PprofOptions withGzip(boolean value) {
        return new PprofOptions(compat, value);
    }
}
