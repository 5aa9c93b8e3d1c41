package io.austin.converters.pprof;

/**
 * How {@link PprofWriter} writes a pprof profile.
 *
 * @param compat reproduce austin2pprof 1.7.1 byte for byte: one signed value per sample in memory mode (under two
 *               declared sample types), samples with markers dropped. The input events must then be read as that
 *               tool reads them (see {@code Conversions.readProfile}).
 * @param gzip   gzip the output; the reference writes the raw message, which every pprof tool also accepts
 */
public record PprofOptions(boolean compat, boolean gzip) {
    /** No quirks, not compressed. */
    public static PprofOptions defaults() {
        return new PprofOptions(false, false);
    }

    /** The same options with another compat setting. */
    public PprofOptions withCompat(boolean value) {
        return new PprofOptions(value, gzip);
    }

    /** The same options with or without gzip. */
    public PprofOptions withGzip(boolean value) {
        return new PprofOptions(compat, value);
    }
}
