package io.austin.formats.collapsed;

/** Python's {@code int(text)} for base 10, as the reference text reader applies it. */
final class PyInt {
    /** Returned for text Python would reject. */
    static final long INVALID = Long.MIN_VALUE;

    private PyInt() {
    }

    /** Surrounding white space, one sign, digits with single underscores between them; INVALID otherwise. */
    static long parse(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && Character.isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        boolean negative = false;
        if (start < end && (s.charAt(start) == '-' || s.charAt(start) == '+')) {
            negative = s.charAt(start) == '-';
            start++;
        }
        if (start == end) {
            return INVALID;
        }
        long v = 0;
        boolean lastUnderscore = true; // no leading underscore
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (lastUnderscore) {
                    return INVALID;
                }
                lastUnderscore = true;
                continue;
            }
            if (c < '0' || c > '9') {
                return INVALID;
            }
            lastUnderscore = false;
            if (v > (Long.MAX_VALUE - 9) / 10) {
                return INVALID;
            }
            v = v * 10 + (c - '0');
        }
        if (lastUnderscore) {
            return INVALID;
        }
        return negative ? -v : v;
    }
}
