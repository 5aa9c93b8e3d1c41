package io.austin.formats;

import io.austin.formats.internal.Numbers;
import java.util.Objects;

/**
 * Which thread a sample belongs to: the process, the CPython interpreter and the thread, as MOJO carries them.
 *
 * @param pid the OS process id
 * @param iid the CPython interpreter id, 0 for the main interpreter, or {@link #NO_IID} for MOJO v1/v2 input,
 *            which does not carry it
 * @param tid the thread as MOJO writes it: the native thread id in lower-case hexadecimal without {@code 0x}
 *            ({@code "56dc"}), or, for producers that use names, any other text. Text output prints a hexadecimal
 *            tid in decimal and anything else as it is.
 */
public record ThreadKey(long pid, long iid, String tid) {
    /** The interpreter id of a thread from a MOJO v1/v2 file, which has none. */
    public static final long NO_IID = -1;

    public ThreadKey {
        Objects.requireNonNull(tid, "tid");
    }

    /** The key of a native thread, its id encoded in hexadecimal as Austin does. */
    public static ThreadKey of(long pid, long iid, long nativeTid) {
        return new ThreadKey(pid, iid, Long.toHexString(nativeTid));
    }

    /** Whether this key carries an interpreter id. */
    public boolean hasIid() {
        return iid >= 0;
    }

    /** The thread id as text output prints it: a hexadecimal tid in decimal, anything else as it is. */
    public String textTid() {
        String decimal = Numbers.hexToDecimal(tid);
        return decimal != null ? decimal : tid;
    }

    /**
     * The thread as a text line names it after {@code T}: {@code <iid>:<tid>} with the tid in decimal, or the tid
     * alone when there is no interpreter id. The reference converters use the same string in profile names and
     * labels.
     */
    public String textName() {
        return hasIid() ? iid + ":" + textTid() : textTid();
    }

    // Written out: a record's generated equals and hashCode go through method handles, slow in a short run, and
    // thread keys are looked up in maps for every sample.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ThreadKey k && k.pid == pid && k.iid == iid && k.tid.equals(tid);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(pid) * 31 + Long.hashCode(iid)) * 31 + tid.hashCode();
    }

    /** The native thread id when the tid is hexadecimal, else -1. */
    public long nativeId() {
        return Numbers.parseHex(tid);
    }
}
