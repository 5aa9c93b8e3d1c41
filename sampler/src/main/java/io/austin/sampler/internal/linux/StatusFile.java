package io.austin.sampler.internal.linux;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Fields of a task's {@code /proc/PID/task/TID/status} file, read from its bytes. */
final class StatusFile {
    private static final byte[] NSPID = "NSpid:".getBytes(StandardCharsets.US_ASCII);

    private StatusFile() {
    }

    /**
     * The numbers of the {@code NSpid:} line of a {@code status} file; empty without one, or when it is malformed.
     * Scanned as bytes: the attach reads it while the JVM still interprets, where a line reader's calls per
     * character cost about a millisecond.
     */
    static long[] nsPid(final byte[] s) {
        final byte[] key = NSPID;
        int at = -1;
        for (int line = 0; line < s.length; ) {
            if (startsWith(s, line, key)) {
                at = line + key.length;
                break;
            }
            while (line < s.length && s[line] != '\n') {
                line++;
            }
            line++;
        }
        if (at < 0) {
            return new long[0];
        }
        long[] ids = new long[4];
        int n = 0;
        int i = at;
        while (true) {
            while (i < s.length && (s[i] == ' ' || s[i] == '\t')) {
                i++;
            }
            if (i >= s.length || s[i] == '\n') {
                break;
            }
            long v = 0;
            int digits = 0;
            while (i < s.length && s[i] >= '0' && s[i] <= '9' && digits < 19) {
                v = v * 10 + (s[i] - '0');
                i++;
                digits++;
            }
            if (digits == 0 || i < s.length && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') {
                return new long[0];
            }
            if (n == ids.length) {
                ids = Arrays.copyOf(ids, n * 2);
            }
            ids[n++] = v;
        }
        return n == 0 ? new long[0] : Arrays.copyOf(ids, n);
    }

    private static boolean startsWith(final byte[] s, final int from, final byte[] prefix) {
        if (s.length - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (s[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
