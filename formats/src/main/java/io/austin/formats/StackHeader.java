package io.austin.formats;

import java.util.Objects;

/**
 * Starts a sample: the thread it was taken from (MOJO event 2, text prefix {@code P<pid>;T<iid>:<tid>}).
 *
 * @param thread the process, interpreter and thread
 */
public record StackHeader(ThreadKey thread) implements StackEvent {
    /** The interpreter id of a sample from a MOJO v1/v2 file, which has none. */
    public static final long NO_IID = ThreadKey.NO_IID;

    public StackHeader {
        Objects.requireNonNull(thread, "thread");
    }

    /** A header for {@code new ThreadKey(pid, iid, tid)}. */
    public StackHeader(long pid, long iid, String tid) {
        this(new ThreadKey(pid, iid, tid));
    }

    /** A header for a native thread id, encoded in hexadecimal as Austin does. */
    public static StackHeader of(long pid, long iid, long nativeTid) {
        return new StackHeader(ThreadKey.of(pid, iid, nativeTid));
    }

    /** The OS process id. */
    public long pid() {
        return thread.pid();
    }

    /** The interpreter id, or {@link #NO_IID}. */
    public long iid() {
        return thread.iid();
    }

    /** The thread as MOJO writes it (see {@link ThreadKey#tid()}). */
    public String tid() {
        return thread.tid();
    }

    /** Whether this header carries an interpreter id. */
    public boolean hasIid() {
        return thread.hasIid();
    }

    @Override
    public Kind kind() {
        return Kind.STACK_HEADER;
    }
}
