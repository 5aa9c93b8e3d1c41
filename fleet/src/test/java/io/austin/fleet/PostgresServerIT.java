package io.austin.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test PostgreSQL server itself: a real server takes a database, a table and rows over JDBC, then goes away. */
class PostgresServerIT {

    @Test
    void createsADatabaseAndStoresRowsOverJdbc() throws Exception {
        long t0 = System.nanoTime();
        String url;
        Path dir;
        try (PostgresServer db = PostgresServer.start()) {
            dir = db.directory();
            assertTrue(Files.isDirectory(dir.resolve("data")), "the cluster's data directory");
            System.out.printf("[postgres] initdb + start in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            db.createDatabase("austin");
            url = db.jdbcUrl("austin");
            try (Connection c = DriverManager.getConnection(url)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE samples (service text NOT NULL, minute timestamptz NOT NULL, "
                            + "count bigint NOT NULL, PRIMARY KEY (service, minute))");
                }
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO samples VALUES (?, to_timestamp(?), ?)")) {
                    for (int i = 0; i < 10; i++) {
                        insert.setString(1, i % 2 == 0 ? "api" : "worker");
                        insert.setLong(2, 60L * i);
                        insert.setLong(3, i + 1);
                        insert.addBatch();
                    }
                    assertEquals(10, insert.executeBatch().length);
                }
                List<String> rows = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                        "SELECT service, sum(count), current_database(), current_user FROM samples "
                                + "GROUP BY service ORDER BY service")) {
                    while (r.next()) {
                        rows.add(r.getString(1) + "=" + r.getLong(2) + " in " + r.getString(3) + " as "
                                + r.getString(4));
                    }
                }
                assertEquals(List.of("api=25 in austin as postgres", "worker=30 in austin as postgres"), rows);
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW fsync")) {
                    assertTrue(r.next());
                    assertEquals("off", r.getString(1), "fsync off, for speed");
                }
            }
        }
        // Closed: the server is gone, and its directory.
        boolean refused;
        try {
            DriverManager.getConnection(url).close();
            refused = false;
        } catch (SQLException e) {
            refused = true;
        }
        assertTrue(refused, "the server is stopped");
        assertFalse(Files.exists(dir), dir + " is removed");
    }
}
