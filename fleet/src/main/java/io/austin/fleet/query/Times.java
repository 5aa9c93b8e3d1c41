package io.austin.fleet.query;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times the query takes: {@code now}; relative to now, {@code -10m}, {@code -2h}, {@code -30s}, {@code -1d};
 * an instant, {@code 2026-11-30T14:00:00Z}; a local date and time, {@code 2026-11-30T14:00}; or a time of today,
 * {@code 14:00} (both in {@code zone}).
 */
final class Times {
    private static final Pattern RELATIVE = Pattern.compile("-(\\d+)([smhd])");

    private Times() {
    }

    static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.strip();
        if (t.equals("now")) {
            return now;
        }
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException ignored) {
            // not an instant
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // not a local date and time
        }
        try {
            return LocalDate.ofInstant(now, zone).atTime(LocalTime.parse(t)).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time: '" + text + "' (now, -10m, 14:00, 2026-11-30T14:00, "
                    + "2026-11-30T14:00:00Z)");
        }
    }
}
