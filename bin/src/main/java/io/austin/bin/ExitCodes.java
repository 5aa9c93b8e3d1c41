package io.austin.bin;

/**
 * The exit statuses of every tool, following BSD {@code sysexits.h} where one fits. Each failure prints exactly
 * one line on standard error ({@code <tool>: <what went wrong>}); {@code --debug} adds the stack trace.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Bad command line: unknown option, missing or extra argument, input and output the same file. */
    public static final int USAGE = 64;
    /** Corrupt or empty input: not MOJO or Austin text, malformed, or no bytes; the message says where. */
    public static final int CORRUPT_INPUT = 65;
    /** The input file does not exist, or cannot be read (permissions, a directory). */
    public static final int NO_INPUT = 66;
    /** A bug: an unexpected exception (run with {@code --debug} and report the stack trace). */
    public static final int INTERNAL = 70;
    /** The output file cannot be created (missing directory, permissions, a directory). */
    public static final int CANNOT_CREATE_OUTPUT = 73;
    /** Reading the input or writing the output failed midway (I/O error, disk full, closed pipe). */
    public static final int IO_ERROR = 74;

    private ExitCodes() {
    }
}
