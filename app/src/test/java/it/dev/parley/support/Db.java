package it.dev.parley.support;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** Direct access to the deployed service's database, to check what it really stored. */
public final class Db {
    private Db() {
    }

    /**
     * Connects as the service itself: the role {@code parley} of the IT server's embedded database,
     * with the password generated for it, read from the data directory's credentials file
     * ({@code parley.it.db.credentials}); {@code parley.it.db.user}/{@code .password} override them.
     */
    private static Connection connect() throws SQLException {
        String url = System.getProperty("parley.it.db.url", "jdbc:postgresql://localhost:55432/parley");
        Properties credentials = new Properties();
        String file = System.getProperty("parley.it.db.credentials");
        if (file != null && Files.exists(Path.of(file))) {
            try (Reader in = Files.newBufferedReader(Path.of(file))) {
                credentials.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return DriverManager.getConnection(url,
                System.getProperty("parley.it.db.user", credentials.getProperty("user", "parley")),
                System.getProperty("parley.it.db.password", credentials.getProperty("password", "")));
    }

    /** Runs a query; string arguments that look like UUIDs are bound as UUIDs. */
    public static List<Map<String, Object>> rows(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                Object arg = args[i];
                if (arg instanceof String s && s.length() == 36 && s.charAt(8) == '-') {
                    arg = UUID.fromString(s);
                }
                if (arg instanceof String[] array) {
                    ps.setArray(i + 1, c.createArrayOf("text", array));
                } else {
                    ps.setObject(i + 1, arg);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long scalar(String sql, Object... args) {
        return ((Number) rows(sql, args).get(0).values().iterator().next()).longValue();
    }

    /** The user's token balance. */
    public static long balance(String userId) {
        return scalar("select token_balance from users where id = ?", userId);
    }

    /** Sets the user's balance. */
    public static void setBalance(String userId, long balance) {
        update("update users set token_balance = ? where id = ?", balance, userId);
    }

    /** Gives the user at least {@code atLeast} tokens. */
    public static void topUp(String userId, long atLeast) {
        update("update users set token_balance = greatest(token_balance, ?) where id = ?", atLeast, userId);
    }

    private static void update(String sql, long value, String userId) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, value);
            ps.setObject(2, UUID.fromString(userId));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
