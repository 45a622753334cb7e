package dev.parley.pgbouncer;

import dev.parley.persistence.migration.DatabaseMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The real PostgreSQL the tests share (one embedded server per test JVM, migrated with the
 * production migrations) and the long-lived PgBouncers in front of it. A test that restarts a
 * PgBouncer starts its own.
 */
public final class Databases {
    private static EmbeddedPostgres postgres;
    private static PgBouncer transactionPool;
    private static PgBouncer sessionPool;

    private Databases() {
    }

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setPgBinaryResolver(Databases::firstBinaryOnTheClassPath)
                        .setServerConfig("max_connections", "100")
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            DatabaseMigrator.migrate(postgres.getPostgresDatabase());
            Runtime.getRuntime().addShutdownHook(new Thread(Databases::stopBouncers));
        }
        return postgres;
    }

    /**
     * The PostgreSQL binaries are on the test class path twice (zonky's own jar, and inside the shaded
     * server-jdbc jar once it is packaged): take the first, as the server itself would.
     */
    static InputStream firstBinaryOnTheClassPath(String system, String hardware) throws IOException {
        String name = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + hardware + ".txz";
        URL url = Databases.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException("no " + name + " on the class path");
        }
        return url.openStream();
    }

    /** Direct JDBC to PostgreSQL, for arranging and checking rows. */
    public static DataSource direct() {
        return postgres().getPostgresDatabase();
    }

    public static String directUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres().getPort() + "/postgres";
    }

    /** PgBouncer in transaction mode with a small server pool (3) for many clients. */
    public static synchronized PgBouncer transactionPool() {
        if (transactionPool == null) {
            transactionPool = PgBouncer.start("transaction", PgBouncer.Mode.TRANSACTION, 3, postgres().getPort());
        }
        return transactionPool;
    }

    public static synchronized PgBouncer sessionPool() {
        if (sessionPool == null) {
            sessionPool = PgBouncer.start("session", PgBouncer.Mode.SESSION, 4, postgres().getPort());
        }
        return sessionPool;
    }

    public static void execute(String sql) {
        try (Connection c = direct().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized void stopBouncers() {
        for (PgBouncer b : new PgBouncer[] {transactionPool, sessionPool}) {
            if (b != null) {
                try {
                    b.stop();
                } catch (Throwable ignored) {
                    // the JVM is going away
                }
            }
        }
    }
}
