package dev.parley.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The throwaway embedded PostgreSQL used when {@code parley.db.embedded=true}: one server per data
 * directory per JVM, started on first use and stopped by a JVM shutdown hook. The data directory
 * is kept between runs, so a restarted service finds its chats again.
 *
 * <p>It is not left open: the first start generates passwords ({@link EmbeddedCredentials}, stored
 * in the data directory and reused by every later start), demands them for every connection, and
 * the application connects as the role {@code parley}, which is not a superuser and owns only its
 * schema ({@link EmbeddedSetup}; a data directory of an earlier Parley is upgraded to that layout).
 *
 * <p>Thread-safe: concurrent first uses start the server once.
 */
final class EmbeddedDatabase {
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    private static final Map<Path, EmbeddedDatabase> RUNNING = new ConcurrentHashMap<>();

    private final EmbeddedPostgres postgres;
    private final EmbeddedCredentials credentials;

    private EmbeddedDatabase(EmbeddedPostgres postgres, EmbeddedCredentials credentials) {
        this.postgres = postgres;
        this.credentials = credentials;
    }

    /** The server for {@code dataDirectory}, started now if it is not running yet. */
    static EmbeddedDatabase at(Path dataDirectory, int port) {
        Path key = dataDirectory.toAbsolutePath().normalize();
        return RUNNING.computeIfAbsent(key, dir -> start(dir, port));
    }

    private static EmbeddedDatabase start(Path dir, int port) {
        EmbeddedCredentials credentials = credentialsFor(dir);
        try {
            Files.createDirectories(dir.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // the superuser's password for zonky's own readiness check and for the setup
                    .setConnectConfig("password", credentials.superuserPassword())
                    // after initdb (which wants an empty directory), before the server starts
                    .setDataDirectoryCustomizer(d -> {
                        if (EmbeddedCredentials.readFrom(d.toPath()).isEmpty()) {
                            credentials.writeTo(d.toPath());
                        }
                    });
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres pg = builder.start();
            boolean wasSecured = EmbeddedSetup.secured(dir);
            boolean upgraded = EmbeddedSetup.apply(dir, credentials, database -> pg.getDatabase("postgres", database));
            String layout = upgraded ? "upgraded" : wasSecured ? "existing" : "created";
            LOG.info(() -> "{\"event\":\"db_embedded_started\",\"port\":" + pg.getPort()
                    + ",\"dataDirectory\":\"" + dir.toString().replace("\\", "/") + "\",\"layout\":\"" + layout
                    + "\",\"user\":\"" + EmbeddedCredentials.USER + "\",\"database\":\"" + EmbeddedCredentials.DATABASE
                    + "\",\"auth\":\"scram-sha-256\"}");
            return new EmbeddedDatabase(pg, credentials);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The stored credentials of {@code dir}, or new ones (stored before the server starts, so that a
     * start interrupted during the setup finds and completes it). A directory whose
     * {@code pg_hba.conf} already demands passwords but whose credentials file is gone cannot be
     * opened any more.
     */
    private static EmbeddedCredentials credentialsFor(Path dir) {
        var stored = Files.isDirectory(dir) ? EmbeddedCredentials.readFrom(dir) : java.util.Optional.<EmbeddedCredentials>empty();
        if (stored.isPresent()) {
            return stored.get();
        }
        if (EmbeddedSetup.secured(dir)) {
            throw new IllegalStateException("the embedded PostgreSQL in " + dir + " demands passwords, but "
                    + EmbeddedCredentials.FILE_NAME + " is missing there: restore it, or delete the directory to start afresh");
        }
        return EmbeddedCredentials.generate();
    }

    /** Stops every embedded server this JVM started (tests; production relies on the shutdown hook). */
    static void stopAll() {
        for (Path dir : RUNNING.keySet()) {
            EmbeddedDatabase db = RUNNING.remove(dir);
            if (db != null) {
                try {
                    db.postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("could not stop the embedded PostgreSQL in " + dir, e);
                }
            }
        }
    }

    int port() {
        return postgres.getPort();
    }

    /** The URL the application connects to: database {@code parley}. */
    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + EmbeddedCredentials.DATABASE;
    }

    String user() {
        return EmbeddedCredentials.USER;
    }

    String password() {
        return credentials.password();
    }

    /** The superuser on {@code database} (tests, and the setup). */
    DataSource superuser(String database) {
        return postgres.getDatabase(EmbeddedCredentials.SUPERUSER, database);
    }
}
