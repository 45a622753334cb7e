package dev.parley.jdbc;

import static dev.parley.jdbc.EmbeddedCredentials.DATABASE;
import static dev.parley.jdbc.EmbeddedCredentials.SCHEMA;
import static dev.parley.jdbc.EmbeddedCredentials.SUPERUSER;
import static dev.parley.jdbc.EmbeddedCredentials.USER;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Brings an embedded PostgreSQL to Parley's layout, idempotently, as its superuser:
 *
 * <ul>
 *   <li>the superuser {@code postgres} and the role {@code parley} (LOGIN, not a superuser, cannot
 *       create databases or roles) have the generated passwords;</li>
 *   <li>database {@code parley} (owned by the superuser; only {@code parley} may connect) holds schema
 *       {@code parley}, owned by {@code parley} together with everything in it; the role's
 *       {@code search_path} is that schema, so Flyway and Hibernate work there unqualified;</li>
 *   <li>{@code pg_hba.conf} demands a password ({@code scram-sha-256}) for every connection.</li>
 * </ul>
 *
 * <p>A data directory of an earlier Parley (trust authentication, the tables in schema
 * {@code public} of database {@code postgres}, owned by the superuser) is upgraded in place: the
 * database is renamed to {@code parley} (a new empty {@code postgres} is created), schema
 * {@code public} to {@code parley}, and ownership handed to the role.
 */
final class EmbeddedSetup {
    /** The first line of a {@code pg_hba.conf} this class wrote. */
    static final String HBA_MARKER = "# parley: password authentication for every connection";

    private EmbeddedSetup() {
    }

    /** Whether {@code dataDirectory}'s {@code pg_hba.conf} is the password-only one this class writes. */
    static boolean secured(Path dataDirectory) {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        try {
            return Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).startsWith(HBA_MARKER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Applies the layout. {@code superuserIn} opens a superuser data source on a database by name.
     *
     * @return true when an earlier Parley's layout was found and upgraded
     */
    static boolean apply(Path dataDirectory, EmbeddedCredentials credentials,
            java.util.function.Function<String, DataSource> superuserIn) throws SQLException {
        boolean upgraded = false;
        try (Connection c = superuserIn.apply("postgres").getConnection(); Statement s = c.createStatement()) {
            s.execute("alter role " + SUPERUSER + " password '" + credentials.superuserPassword() + "'");
            if (!exists(s, "select 1 from pg_roles where rolname = '" + USER + "'")) {
                s.execute("create role " + USER);
            }
            s.execute("alter role " + USER + " login nosuperuser nocreatedb nocreaterole noreplication nobypassrls"
                    + " password '" + credentials.password() + "'");
            s.execute("alter role " + USER + " set search_path = " + SCHEMA);
            if (!exists(s, "select 1 from pg_database where datname = '" + DATABASE + "'")) {
                upgraded = exists(s, "select 1 from pg_tables where schemaname = 'public'"
                        + " and tablename = 'flyway_schema_history'");
            }
        }
        if (upgraded) {
            // an earlier Parley kept its tables in database postgres: that database becomes parley
            try (Connection c = superuserIn.apply("template1").getConnection(); Statement s = c.createStatement()) {
                renamePostgresDatabase(s);
                s.execute("create database postgres");
            }
        } else {
            try (Connection c = superuserIn.apply("postgres").getConnection(); Statement s = c.createStatement()) {
                if (!exists(s, "select 1 from pg_database where datname = '" + DATABASE + "'")) {
                    s.execute("create database " + DATABASE);
                }
            }
        }
        try (Connection c = superuserIn.apply(DATABASE).getConnection(); Statement s = c.createStatement()) {
            s.execute("revoke all on database " + DATABASE + " from public");
            s.execute("grant connect, temporary on database " + DATABASE + " to " + USER);
            if (!exists(s, "select 1 from pg_namespace where nspname = '" + SCHEMA + "'")
                    && exists(s, "select 1 from pg_tables where schemaname = 'public' and tablename = 'flyway_schema_history'")) {
                s.execute("alter schema public rename to " + SCHEMA);
                s.execute("create schema public authorization pg_database_owner");
                upgraded = true;
            }
            s.execute("create schema if not exists " + SCHEMA + " authorization " + USER);
            s.execute("alter schema " + SCHEMA + " owner to " + USER);
            // tables first: their identity sequences follow them and refuse a change of their own
            for (String table : names(s, "select quote_ident(c.relname) from pg_class c join pg_namespace n"
                    + " on n.oid = c.relnamespace where n.nspname = '" + SCHEMA + "' and c.relkind in ('r', 'p', 'v', 'm')"
                    + " and pg_get_userbyid(c.relowner) <> '" + USER + "'")) {
                s.execute("alter table " + SCHEMA + "." + table + " owner to " + USER);
            }
            for (String sequence : names(s, "select quote_ident(c.relname) from pg_class c join pg_namespace n"
                    + " on n.oid = c.relnamespace where n.nspname = '" + SCHEMA + "' and c.relkind = 'S'"
                    + " and pg_get_userbyid(c.relowner) <> '" + USER + "'")) {
                s.execute("alter sequence " + SCHEMA + "." + sequence + " owner to " + USER);
            }
        }
        if (!secured(dataDirectory)) {
            writePasswordOnlyHba(dataDirectory);
            try (Connection c = superuserIn.apply("postgres").getConnection(); Statement s = c.createStatement()) {
                s.execute("select pg_reload_conf()");
            }
        }
        return upgraded;
    }

    /** Renames database postgres once the backends of the connections just closed have gone. */
    private static void renamePostgresDatabase(Statement s) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                s.execute("alter database postgres rename to " + DATABASE);
                return;
            } catch (SQLException inUse) {
                // 55006 object_in_use: a closed connection's backend exits asynchronously
                if (!"55006".equals(inUse.getSQLState()) || attempt == 50) {
                    throw inUse;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        }
    }

    private static void writePasswordOnlyHba(Path dataDirectory) {
        String hba = String.join("\n",
                HBA_MARKER,
                "# (written by Parley's embedded database; the passwords are in " + EmbeddedCredentials.FILE_NAME + ")",
                "local   all   all                 scram-sha-256",
                "host    all   all   127.0.0.1/32  scram-sha-256",
                "host    all   all   ::1/128       scram-sha-256",
                "");
        try {
            Path tmp = dataDirectory.resolve("pg_hba.conf.tmp");
            Files.writeString(tmp, hba, StandardCharsets.UTF_8);
            Files.move(tmp, dataDirectory.resolve("pg_hba.conf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write pg_hba.conf in " + dataDirectory, e);
        }
    }

    private static boolean exists(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }

    private static List<String> names(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
