package dev.parley.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Direct JDBC access for arranging and checking rows, independent of the code under test. */
public final class Rows {
    public static final UUID CAPTAIN_MIRA = UUID.fromString("00000000-0000-4000-8000-00000000a001");
    public static final UUID PROFESSOR_LIN = UUID.fromString("00000000-0000-4000-8000-00000000a002");

    private Rows() {
    }

    /** Creates a fresh user with the given balance and returns its id. */
    public static UUID newUser(long balance) {
        UUID id = UUID.randomUUID();
        update("insert into users (id, subject, display_name, locale, token_balance)"
                + " values (?, 'test:' || ?, 'Test User', 'en', ?)", id, id.toString(), balance);
        return id;
    }

    public static long count(String sql, Object... args) {
        return queryLong(sql, args);
    }

    public static long queryLong(String sql, Object... args) {
        try (Connection c = PostgresFixture.dataSource().getConnection();
                PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String queryString(String sql, Object... args) {
        try (Connection c = PostgresFixture.dataSource().getConnection();
                PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void update(String sql, Object... args) {
        try (Connection c = PostgresFixture.dataSource().getConnection(); PreparedStatement ps = prepare(c, sql, args)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }
}
