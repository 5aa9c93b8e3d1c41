package io.austin.converters.speedscope;

import io.austin.formats.Compat;
import java.util.Objects;

/**
 * How {@link SpeedscopeWriter} writes a speedscope document.
 *
 * @param compat which austin2speedscope to reproduce byte for byte, or {@link Compat#NONE}: memory deltas stay
 *               signed in one "Memory allocation" profile, samples without frames are skipped, the tool's exporter
 *               string (1.7.1 and 2.2.0 differ in little else). The input events must then be read as that tool
 *               reads them (see {@code Conversions.readProfile}).
 * @param name   the document's {@code name}; the reference uses the input file's base name
 * @param indent spaces per nesting level as Python's {@code json.dump(indent=N)} prints them, or -1 for the
 *               default single-line layout
 */
public record SpeedscopeOptions(Compat compat, String name, int indent) {
    public SpeedscopeOptions {
        Objects.requireNonNull(compat, "compat");
        Objects.requireNonNull(name, "name");
    }

    /** No quirks, name {@code profile}, single line. */
    public static SpeedscopeOptions defaults() {
        return new SpeedscopeOptions(Compat.NONE, "profile", -1);
    }

    /** The same options with another compat setting. */
    public SpeedscopeOptions withCompat(Compat value) {
        return new SpeedscopeOptions(value, name, indent);
    }

    /** The same options reproducing austin-python 1.7.1 ({@code true}) or nothing. */
    public SpeedscopeOptions withCompat(boolean value) {
        return withCompat(value ? Compat.AUSTIN_PYTHON_1_7 : Compat.NONE);
    }

    /** The same options with another document name. */
    public SpeedscopeOptions withName(String value) {
        return new SpeedscopeOptions(compat, value, indent);
    }

    /** The same options with another indent (-1: single line). */
    public SpeedscopeOptions withIndent(int value) {
        return new SpeedscopeOptions(compat, name, value);
    }
}
