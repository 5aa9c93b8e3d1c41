package io.austin.bin;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A number as {@code %.Nf} prints it, without {@link java.util.Formatter}: the statistics austin prints as it ends
 * are the run's only formatted text, and a JVM's first {@code String.format} costs about 9 ms (its pattern compiled,
 * its classes loaded), all of it between the target's end and austin's.
 */
final class Decimals {
    private Decimals() {
    }

    /** {@code value} with {@code places} decimals, rounded half up, as {@code String.format(Locale.ROOT, "%.Nf")}. */
    static String fixed(double value, int places) {
        if (!Double.isFinite(value)) {
            return String.format(Locale.ROOT, "%." + places + "f", value);
        }
        // Formatter rounds the shortest decimal that reads back as the double (Double.toString's digits), half up.
        String text = BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).toPlainString();
        return value == 0 && 1 / value < 0 ? "-" + text : text;
    }
}
