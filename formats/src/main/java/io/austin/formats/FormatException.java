package io.austin.formats;

import java.io.IOException;

/**
 * The input is not a valid profile. The message names where: a byte offset for MOJO, a line number for text.
 * It is an {@link IOException} because it is a property of the input, like a read failure.
 */
public final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long position;

    /**
     * @param message  what is wrong, including where
     * @param position the byte offset (MOJO) or 1-based line number (text) of the fault
     */
    public FormatException(String message, long position) {
        super(message);
        this.position = position;
    }

    /** The byte offset (MOJO) or 1-based line number (text) where the input went wrong. */
    public long position() {
        return position;
    }
}
