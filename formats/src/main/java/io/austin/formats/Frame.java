package io.austin.formats;

import java.util.Objects;

/**
 * A Python frame as Austin reports it: source file, scope (qualified name on 3.11+, plain name before) and the
 * position being executed. Columns are 1-based (0 means unknown); on Python 3.10 and older all of
 * {@code lineEnd}, {@code column} and {@code columnEnd} are 0. Frames are values: two frames with the same fields
 * are equal wherever they came from.
 *
 * @param file      {@code co_filename}, never null
 * @param scope     {@code co_qualname} or {@code co_name}, never null
 * @param line      the line number, 0 if unknown
 * @param lineEnd   the last line of the expression, 0 if unknown
 * @param column    the 1-based start column, 0 if unknown
 * @param columnEnd the 1-based end column, 0 if unknown
 */
public record Frame(String file, String scope, long line, long lineEnd, long column, long columnEnd) {
    public Frame {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(scope, "scope");
    }

    /** A frame with a line but no end line or columns (text input, Python 3.10 and older). */
    public static Frame of(String file, String scope, long line) {
        return new Frame(file, scope, line, 0, 0, 0);
    }
}
