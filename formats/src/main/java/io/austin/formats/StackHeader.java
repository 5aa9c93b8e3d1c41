package io.austin.formats;

import java.util.Objects;

/**
 * Starts a sample: the process, interpreter and thread it was taken from (MOJO event 2, text prefix
 * {@code P<pid>;T<iid>:<tid>}).
 *
 * @param pid the OS process id
 * @param iid the CPython interpreter id, 0 for the main interpreter, or {@link #NO_IID} for MOJO v1/v2 files
 *            which do not carry it
 * @param tid the thread as MOJO writes it: the native thread id in lower-case hexadecimal without {@code 0x}
 *            ({@code "56dc"}), or, for producers that use names, any other text. Text output prints a hexadecimal
 *            tid in decimal and anything else as it is.
 */
public record StackHeader(long pid, long iid, String tid) implements StackEvent {
    /** The interpreter id of a sample from a MOJO v1/v2 file, which has none. */
    public static final long NO_IID = -1;

    public StackHeader {
        Objects.requireNonNull(tid, "tid");
    }

    /** A header for a native thread id, encoded in hexadecimal as Austin does. */
    public static StackHeader of(long pid, long iid, long nativeTid) {
        return new StackHeader(pid, iid, Long.toHexString(nativeTid));
    }

    /** Whether this header carries an interpreter id. */
    public boolean hasIid() {
        return iid >= 0;
    }
}
