package io.austin.fleet.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimesTest {
    private static final Instant NOW = Instant.parse("2026-11-30T15:20:30Z");
    private static final ZoneId ZONE = ZoneId.of("Europe/Paris");

    @Test
    void everyFormItTakes() {
        assertEquals(NOW, Times.parse("now", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-30T15:10:30Z"), Times.parse("-10m", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-30T13:20:30Z"), Times.parse("-2h", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-29T15:20:30Z"), Times.parse("-1d", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-30T15:20:00Z"), Times.parse("-30s", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-30T14:00:00Z"), Times.parse("2026-11-30T14:00:00Z", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-30T13:00:00Z"), Times.parse("2026-11-30T14:00", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-30T13:00:00Z"), Times.parse("14:00", NOW, ZONE));
        assertThrows(IllegalArgumentException.class, () -> Times.parse("yesterday", NOW, ZONE));
    }
}
