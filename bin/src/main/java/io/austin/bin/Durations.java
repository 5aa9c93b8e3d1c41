package io.austin.bin;

import java.time.Duration;

/** Austin's option values with units: {@code 100}, {@code 100us}, {@code 5ms}, {@code 2s}. */
final class Durations {
    private Durations() {
    }

    /**
     * Parses a non-negative whole number with an optional unit suffix.
     *
     * @param text        the option's value
     * @param defaultUnit the unit of a bare number: "us", "ms" or "s"
     * @param units       the suffixes accepted, e.g. {"us", "ms", "s"}
     * @return the duration
     * @throws IllegalArgumentException with a one-line reason
     */
    static Duration parse(String text, String defaultUnit, String... units) {
        String t = text.strip();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 12) {
            throw new IllegalArgumentException("invalid value '" + text + "'");
        }
        long n = Long.parseLong(t.substring(0, i));
        String unit = i == t.length() ? defaultUnit : t.substring(i);
        boolean known = false;
        for (String u : units) {
            known |= u.equals(unit);
        }
        if (!known) {
            throw new IllegalArgumentException("invalid unit in '" + text + "' (use " + String.join(", ", units)
                    + ")");
        }
        switch (unit) {
            case "us":
                return Duration.ofNanos(n * 1000);
            case "ms":
                return Duration.ofMillis(n);
            default:
                return Duration.ofSeconds(n);
        }
    }
}
