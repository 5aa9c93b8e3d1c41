package io.austin.formats.internal;

import java.math.BigInteger;

/**
 * Integer text as the reference tools read it: Python's {@code int(text, base)} rules (surrounding white space, one
 * sign, an optional {@code 0x} prefix in base 16, single underscores between digits), and the thread-id
 * conversions between MOJO (hexadecimal) and text (decimal). Not API.
 */
public final class Numbers {
    /** Returned by {@link #parsePython} for text Python would reject (or a value that does not fit a long). */
    public static final long INVALID = Long.MIN_VALUE;

    private Numbers() {
    }

    /**
     * Python's {@code int(s, radix)} for radix 10 or 16, as a long.
     *
     * @return the value, or {@link #INVALID}
     */
    public static long parsePython(String s, int radix) {
        BigInteger v = parsePythonBig(s, radix);
        return v == null || v.bitLength() > 63 ? INVALID : v.longValue();
    }

    /** As {@link #parsePython}, without a size limit; null for text Python would reject. */
    static BigInteger parsePythonBig(String s, int radix) {
        int start = 0;
        int end = s.length();
        while (start < end && Character.isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        boolean negative = false;
        if (start < end && (s.charAt(start) == '+' || s.charAt(start) == '-')) {
            negative = s.charAt(start) == '-';
            start++;
        }
        boolean prefixed = false;
        if (radix == 16 && end - start >= 2 && s.charAt(start) == '0' && (s.charAt(start + 1) | 0x20) == 'x') {
            start += 2;
            prefixed = true;
        }
        if (start == end) {
            return null;
        }
        long value = 0;
        int digits = 0;
        boolean lastUnderscore = false;
        StringBuilder big = null;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '_') {
                // One underscore between digits, and (base 16) one right after the 0x prefix.
                if (lastUnderscore || (digits == 0 && !(prefixed && i == start))) {
                    return null;
                }
                lastUnderscore = true;
                continue;
            }
            int d = c < 0x80 ? Character.digit(c, radix) : -1;
            if (d < 0) {
                return null;
            }
            lastUnderscore = false;
            digits++;
            if (big != null) {
                big.append(c);
            } else if (digits > 15) {
                big = new StringBuilder(Long.toString(value, radix)).append(c);
            } else {
                value = value * radix + d;
            }
        }
        if (lastUnderscore || digits == 0) {
            return null;
        }
        BigInteger v = big != null ? new BigInteger(big.toString(), radix) : BigInteger.valueOf(value);
        return negative ? v.negate() : v;
    }

    /**
     * The decimal text of a MOJO thread id read with {@code int(s, 16)}, as mojo2austin prints it; null if it is not
     * hexadecimal (the text is then printed as it is).
     */
    public static String hexToDecimal(String s) {
        BigInteger v = parsePythonBig(s, 16);
        return v == null ? null : v.toString();
    }

    /** A plain lower- or upper-case hexadecimal number of at most 15 digits, or -1. */
    public static long parseHex(String s) {
        int n = s.length();
        if (n == 0 || n > 15) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) >= 0x80) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** The MOJO (hexadecimal) form of a decimal text thread id, or the text itself if it is not canonical decimal. */
    public static String decimalToHex(String s) {
        int n = s.length();
        if (n == 0 || n > 18) {
            return s;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return s;
            }
            value = value * 10 + (c - '0');
        }
        if (n > 1 && s.charAt(0) == '0') {
            return s; // not the canonical decimal Austin prints: keep it as a name
        }
        return Long.toHexString(value);
    }
}
