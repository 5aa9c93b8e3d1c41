package io.austin.bin;

/** A failure the tools report in one line with a documented exit status (see {@link ExitCodes}). */
final class ToolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    ToolException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
