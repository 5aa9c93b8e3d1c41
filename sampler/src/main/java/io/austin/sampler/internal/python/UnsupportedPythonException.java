package io.austin.sampler.internal.python;

/**
 * The target's Python cannot be walked with the layouts this sampler knows: unknown version, a free-threaded or
 * debug build, or a {@code _Py_DebugOffsets} block that is missing or implausible. Thrown only when a walker is
 * created, never during a pass.
 */
public final class UnsupportedPythonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message saying what was found. */
    public UnsupportedPythonException(String message) {
        super(message);
    }
}
