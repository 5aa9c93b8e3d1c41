package io.austin.sampler.internal.linux;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Messages to the system log as Austin sends them: ident {@code austin}, facility LOCAL1, the process id, to the
 * datagram socket {@code /dev/log}. A message never blocks and never fails its caller: the socket is non-blocking
 * and a message the log cannot take right now is dropped; where there is no log socket, nothing is done at all (one
 * check, repeated at most once a second). Thread-safe.
 */
public final class Syslog {
    /** Severities, as syslog numbers them. */
    public enum Level {
        /** LOG_ERR. */
        ERROR(3),
        /** LOG_WARNING. */
        WARNING(4),
        /** LOG_INFO. */
        INFO(6);

        final int code;

        Level(int code) {
            this.code = code;
        }
    }

    private static final int LOCAL1 = 17;
    private static final long RETRY_NANOS = 1_000_000_000L;

    private final String ident;
    private final int pid = (int) ProcessHandle.current().pid();
    private String path;
    private int fd = -1;
    private long lastAttempt;
    private boolean attempted;

    /** A log for {@code ident}. */
    public Syslog(String ident) {
        this.ident = ident;
    }

    /**
     * Sends one message to the log socket at {@code socket} (normally {@code /dev/log}); true if it was sent (or, while
     * the native binding is being made, queued to be sent once it is).
     */
    public boolean send(Level level, String message, String socket) {
        if (!NativeBinding.settled()) {
            // The native binding is being made and is not waited for: where a log listens, the message goes from the
            // binding's thread once it is made (tens of milliseconds later); where none does, nothing is done.
            return Files.exists(Path.of(socket)) && NativeBinding.whenSettled(() -> sendNow(level, message, socket));
        }
        return sendNow(level, message, socket);
    }

    private synchronized boolean sendNow(Level level, String message, String socket) {
        if (!socket.equals(path)) {
            close();
            path = socket;
            attempted = false;
        }
        if (fd < 0 && !connect()) {
            return false;
        }
        byte[] bytes = ("<" + (LOCAL1 * 8 + level.code) + ">" + Stamp.FORMAT.format(LocalDateTime.now()) + " " + ident
                + "[" + pid + "]: " + message).getBytes(StandardCharsets.UTF_8);
        long n = LibC.send(fd, bytes, bytes.length, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL);
        if (n < 0) {
            int errno = com.sun.jna.Native.getLastError();
            if (errno != 11) { // EAGAIN: the log is busy, the message is dropped; anything else: reconnect later
                close();
            }
            return false;
        }
        return true;
    }

    private boolean connect() {
        long now = System.nanoTime();
        if (attempted && now - lastAttempt < RETRY_NANOS) {
            return false;
        }
        attempted = true;
        lastAttempt = now;
        if (!Files.exists(Path.of(path)) || !LibC.available()) {
            return false; // nobody listens: no socket is even opened, the native binding not even loaded
        }
        int s = LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_NONBLOCK, 0);
        if (s < 0) {
            return false;
        }
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) {
            LibC.close(s);
            return false;
        }
        try (Memory addr = new Memory(110)) {
            addr.clear();
            addr.setShort(0, (short) LibC.AF_UNIX);
            addr.write(2, p, 0, p.length);
            if (LibC.connect(s, addr, 2 + p.length + 1) != 0) {
                LibC.close(s);
                return false;
            }
        }
        fd = s;
        return true;
    }

    /** The time stamp's format, made on the first message sent: where nobody listens, never (start-up). */
    private static final class Stamp {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    }

    /** Closes the socket, if open. */
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}
