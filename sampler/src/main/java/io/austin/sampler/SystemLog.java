package io.austin.sampler;

import io.austin.sampler.internal.linux.NativeBinding;
import io.austin.sampler.internal.linux.Syslog;

/**
 * The system log, as Austin writes to it: information and errors go to syslog (ident {@code austin}, facility
 * LOCAL1) when {@code /dev/log} exists, nothing when the environment variable {@code AUSTIN_NO_LOGGING} is set and
 * not empty. Never standard output or error, never blocking, never failing the caller: a message the log cannot take
 * is dropped. The system property {@code austin.log.socket} points the log at another datagram socket (tests, or a
 * container's log socket).
 */
public final class SystemLog {
    private static final Syslog LOG = new Syslog("austin");

    private SystemLog() {
    }

    /** Logs information. */
    public static void info(String message) {
        send(Syslog.Level.INFO, message);
    }

    /** Logs a warning. */
    public static void warning(String message) {
        send(Syslog.Level.WARNING, message);
    }

    /** Logs an error. */
    public static void error(String message) {
        send(Syslog.Level.ERROR, message);
    }

    /**
     * Sends what is still waiting to be sent (messages logged while the native binding, which a log socket needs, was
     * being made, and it is not waited for: see the sampler's start-up); a tool calls it before it exits. Returns at
     * once when nothing waits.
     */
    public static void flush() {
        try {
            NativeBinding.flushWaiting();
        } catch (RuntimeException | LinkageError e) {
            // logging never fails the caller
        }
    }

    /** Whether logging is on: {@code AUSTIN_NO_LOGGING} unset or empty. */
    public static boolean enabled() {
        String off = System.getenv("AUSTIN_NO_LOGGING");
        return off == null || off.isEmpty();
    }

    private static void send(Syslog.Level level, String message) {
        if (enabled()) {
            try {
                LOG.send(level, message, System.getProperty("austin.log.socket", "/dev/log"));
            } catch (RuntimeException | LinkageError e) {
                // logging never fails the caller
            }
        }
    }
}
