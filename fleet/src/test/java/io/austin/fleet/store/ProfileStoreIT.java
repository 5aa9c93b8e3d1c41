package io.austin.fleet.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.austin.fleet.PostgresServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store on a real PostgreSQL: upserts replace a minute, queries take a half-open range, retention deletes. */
class ProfileStoreIT {
    private static ProfileStore.Row row(String service, Instant minute, String mode, long samples, byte[] pprof) {
        return new ProfileStore.Row(service, minute, mode, List.of("samples/count", "Wall time/\u03bcs"),
                new long[] {samples, samples * 1000}, 1, pprof);
    }

    @Test
    void upsertQueryAndRetention() throws Exception {
        Instant base = Instant.parse("2026-11-30T14:00:00Z");
        try (PostgresServer db = PostgresServer.start()) {
            db.createDatabase("austin");
            try (ProfileStore store = new ProfileStore(db.jdbcUrl("austin"))) {
                for (int m = 0; m < 10; m++) {
                    store.upsert(row("api", base.plus(Duration.ofMinutes(m)), "wall", m, new byte[] {(byte) m}));
                }
                store.upsert(row("api", base.plus(Duration.ofMinutes(3)), "wall", 33, new byte[] {3, 3}));
                store.upsert(row("api", base.plus(Duration.ofMinutes(3)), "cpu", 7, new byte[] {7}));
                store.upsert(row("db", base, "wall", 5, new byte[] {5}));

                List<ProfileStore.Row> range = store.query("api", base.plus(Duration.ofMinutes(2)),
                        base.plus(Duration.ofMinutes(5)), "wall");
                assertEquals(List.of(2L, 33L, 4L), range.stream().map(ProfileStore.Row::samples).toList(),
                        "[14:02, 14:05), the second write of 14:03 replacing the first");
                assertArrayEquals(new byte[] {3, 3}, range.get(1).pprof());
                assertArrayEquals(new long[] {33, 33_000}, range.get(1).totals());
                assertEquals(List.of("samples/count", "Wall time/\u03bcs"), range.get(1).types());
                assertEquals(2, store.query("api", base.plus(Duration.ofMinutes(3)),
                        base.plus(Duration.ofMinutes(4)), null).size(), "both modes without --mode");

                assertEquals(7, store.deleteBefore(base.plus(Duration.ofMinutes(5))), "14:00-14:04 of api "
                        + "(wall and cpu at 14:03) and db's 14:00");
                assertEquals(5, store.query("api", base, base.plus(Duration.ofHours(1)), "wall").size());
                assertEquals(0, store.query("db", base, base.plus(Duration.ofHours(1)), null).size());
            }
            try (ProfileStore again = new ProfileStore(db.jdbcUrl("austin"))) {
                assertEquals(5, again.query("api", base, base.plus(Duration.ofHours(1)), null).size(),
                        "the table is kept across connections");
            }
        }
    }
}
