package io.austin.formats.collapsed;

import java.math.BigInteger;

/** Thread-id conversions between MOJO (hexadecimal text) and Austin's text output (decimal). */
final class ThreadIds {
    private ThreadIds() {
    }

    /**
     * The decimal text of a MOJO thread id, read with Python's {@code int(s, 16)} rules (surrounding white space, a
     * sign, an optional {@code 0x}, single underscores between digits), as mojo2austin does; null if it is not
     * hexadecimal, in which case the text is printed as it is.
     */
    static String hexToDecimal(String s) {
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
        if (end - start >= 2 && s.charAt(start) == '0' && (s.charAt(start + 1) | 0x20) == 'x') {
            start += 2;
            prefixed = true;
        }
        if (start == end) {
            return null;
        }
        long value = 0;
        int digits = 0;
        boolean lastUnderscore = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '_') {
                // Python allows one underscore between digits, and one right after the 0x prefix.
                if (lastUnderscore || (digits == 0 && !(prefixed && i == start))) {
                    return null;
                }
                lastUnderscore = true;
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || c > 'f' && c < 0x80 || c >= 0x80) {
                return null;
            }
            lastUnderscore = false;
            digits++;
            value = (value << 4) | d;
        }
        if (lastUnderscore || digits == 0) {
            return null;
        }
        if (digits > 15) {
            String clean = s.substring(start, end).replace("_", "");
            BigInteger big = new BigInteger(clean, 16);
            return (negative ? big.negate() : big).toString();
        }
        return Long.toString(negative ? -value : value);
    }

    /** The MOJO (hexadecimal) form of a decimal text thread id, or the text itself if it is not decimal. */
    static String decimalToHex(String s) {
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
