package io.austin.sampler.internal.linux;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The numbers of a {@code Key: values} line in {@code /proc}'s keyed files ({@code /proc/PID/task/TID/status},
 * {@code /proc/meminfo}), read from the file's bytes. Bytes, not lines of text: the attach reads a target's
 * {@code status} while the JVM still interprets, where a line reader's calls per character cost about a millisecond.
 */
final class ProcFields {
    private ProcFields() {
    }

    /**
     * The numbers after {@code key} (with its colon, at the start of a line), up to the first word that is not a
     * number ({@code kB} in meminfo) or the line's end. Empty when there is no such line, no number, or a word that
     * starts as a number and goes on as something else.
     */
    static long[] numbers(final byte[] text, final String key) {
        final byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        int i = lineStarting(text, k);
        if (i < 0) {
            return new long[0];
        }
        long[] out = new long[4];
        int n = 0;
        while (true) {
            while (i < text.length && (text[i] == ' ' || text[i] == '\t')) {
                i++;
            }
            if (i >= text.length || text[i] < '0' || text[i] > '9') {
                break; // the line's end, or a word that is not a number
            }
            long v = 0;
            int digits = 0;
            while (i < text.length && text[i] >= '0' && text[i] <= '9' && digits < 19) {
                v = v * 10 + (text[i] - '0');
                i++;
                digits++;
            }
            if (i < text.length && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') {
                return new long[0];
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    /** Where the values of the line that starts with {@code key} begin; -1 without one. */
    private static int lineStarting(final byte[] text, final byte[] key) {
        for (int line = 0; line < text.length; ) {
            if (startsWith(text, line, key)) {
                return line + key.length;
            }
            while (line < text.length && text[line] != '\n') {
                line++;
            }
            line++;
        }
        return -1;
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
