package io.austin.fleet.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-minute profiles in PostgreSQL, over JDBC: one row per service, minute and mode with the merged profile
 * (gzip pprof, its first sample type {@code samples/count}) and its totals. Writes are upserts of the whole
 * aggregate, so writing the same minute again (an update, or a replay after a restart) is harmless. One connection;
 * not thread-safe.
 */
public final class ProfileStore implements AutoCloseable {
    /**
     * One stored minute.
     *
     * @param service the service
     * @param minute  the minute's start
     * @param mode    the sampling mode
     * @param types   the sample types ("samples/count" first)
     * @param totals  each type's sum
     * @param windows how many windows were merged into it
     * @param pprof   the merged profile, gzip pprof
     */
    public record Row(String service, Instant minute, String mode, List<String> types, long[] totals, long windows,
            byte[] pprof) {
        /** The number of samples (the first total). */
        public long samples() {
            return totals.length == 0 ? 0 : totals[0];
        }
    }

    private static final String TABLE = "austin_profiles";

    private final Connection connection;

    /** Connects and creates the table when it is missing. */
    public ProfileStore(String jdbcUrl) throws SQLException {
        connection = DriverManager.getConnection(jdbcUrl);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "service text NOT NULL, minute timestamptz NOT NULL, mode text NOT NULL, "
                    + "sample_types text[] NOT NULL, totals bigint[] NOT NULL, samples bigint NOT NULL, "
                    + "windows bigint NOT NULL, pprof bytea NOT NULL, updated timestamptz NOT NULL DEFAULT now(), "
                    + "PRIMARY KEY (service, minute, mode))");
        }
    }

    /** Writes a minute's aggregate, replacing what was there. */
    public void upsert(Row r) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO " + TABLE
                + " (service, minute, mode, sample_types, totals, samples, windows, pprof, updated) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (service, minute, mode) DO UPDATE SET "
                + "sample_types = EXCLUDED.sample_types, totals = EXCLUDED.totals, samples = EXCLUDED.samples, "
                + "windows = EXCLUDED.windows, pprof = EXCLUDED.pprof, updated = now()")) {
            p.setString(1, r.service());
            p.setTimestamp(2, Timestamp.from(r.minute()));
            p.setString(3, r.mode());
            p.setArray(4, connection.createArrayOf("text", r.types().toArray()));
            Long[] totals = new Long[r.totals().length];
            for (int i = 0; i < totals.length; i++) {
                totals[i] = r.totals()[i];
            }
            p.setArray(5, connection.createArrayOf("bigint", totals));
            p.setLong(6, r.samples());
            p.setLong(7, r.windows());
            p.setBytes(8, r.pprof());
            p.executeUpdate();
        }
    }

    /** The minutes of {@code service} starting in [from, to), in time order; {@code mode} null for any. */
    public List<Row> query(String service, Instant from, Instant to, String mode) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT service, minute, mode, sample_types, totals, "
                + "windows, pprof FROM " + TABLE + " WHERE service = ? AND minute >= ? AND minute < ? "
                + "AND (? IS NULL OR mode = ?) ORDER BY minute, mode")) {
            p.setString(1, service);
            p.setTimestamp(2, Timestamp.from(from));
            p.setTimestamp(3, Timestamp.from(to));
            p.setString(4, mode);
            p.setString(5, mode);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Array types = rs.getArray(4);
                    Array totals = rs.getArray(5);
                    Object[] t = (Object[]) totals.getArray();
                    long[] sums = new long[t.length];
                    for (int i = 0; i < t.length; i++) {
                        sums[i] = ((Number) t[i]).longValue();
                    }
                    List<String> names = new ArrayList<>();
                    for (Object o : (Object[]) types.getArray()) {
                        names.add((String) o);
                    }
                    out.add(new Row(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), names, sums,
                            rs.getLong(6), rs.getBytes(7)));
                }
            }
        }
        return out;
    }

    /** Deletes the minutes before {@code cutoff}; returns how many. */
    public int deleteBefore(Instant cutoff) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE minute < ?")) {
            p.setTimestamp(1, Timestamp.from(cutoff));
            return p.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
