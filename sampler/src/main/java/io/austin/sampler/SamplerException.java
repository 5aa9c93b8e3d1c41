package io.austin.sampler;

import java.util.Objects;

/**
 * The one exception root of the sampler. Each failure carries a {@link Reason} that maps to Austin's process exit
 * status, so a command-line front end can exit the way Austin does. Messages are a single line meant for users.
 */
public final class SamplerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the sampler failed, with the exit status Austin uses for it. */
    public enum Reason {
        /** The target process does not exist (or exited). */
        NO_SUCH_PROCESS(38),
        /** The target exists but its memory may not be read (ptrace access mode, capabilities). */
        PERMISSION(37),
        /** No CPython runtime was found in the target. */
        NOT_PYTHON(32),
        /** A CPython runtime was found but its version could not be told. */
        UNKNOWN_VERSION(3),
        /** A CPython runtime was found and its version told, but that version is outside what the sampler reads. */
        UNSUPPORTED_VERSION(3),
        /** The sampler could not attach to the target for another reason. */
        CANNOT_ATTACH(36),
        /** The Python runtime was found but no interpreter state appeared within the start-up time-out. */
        TIMEOUT(35),
        /** A command to be profiled could not be started, or ended before its interpreter could be found. */
        LAUNCH_FAILED(33),
        /** Children mode: the target is not Python and has no Python child processes. */
        NO_PYTHON_CHILDREN(39),
        /** A CPython build whose object layout the sampler does not know (free-threaded, debug). */
        UNSUPPORTED_BUILD(32);

        private final int exitStatus;

        Reason(final int exitStatus) {
            this.exitStatus = exitStatus;
        }

        /** The process exit status Austin uses for this reason. */
        public int exitStatus() {
            return exitStatus;
        }
    }

    private final Reason reason;

    /**
     * Creates an exception with a one-line message.
     *
     * @param reason why the sampler failed
     * @param message one clear line for the user
     */
    public SamplerException(final Reason reason, final String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Creates an exception with a one-line message and the low-level cause.
     *
     * @param reason why the sampler failed
     * @param message one clear line for the user
     * @param cause the underlying failure, kept for diagnostics
     */
    public SamplerException(final Reason reason, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the sampler failed. */
    public Reason reason() {
        return reason;
    }

    /** Shorthand for {@code reason().exitStatus()}. */
    public int exitStatus() {
        return reason.exitStatus();
    }
}
