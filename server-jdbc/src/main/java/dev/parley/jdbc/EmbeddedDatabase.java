package dev.parley.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The embedded PostgreSQL server used when no database is configured: one server per data
 * directory per JVM, started on first use and stopped by a JVM shutdown hook. The data directory
 * is kept between runs, so a restarted service finds its chats again.
 *
 * <p>Thread-safe: concurrent first uses start the server once.
 */
final class EmbeddedDatabase {
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    private static final Map<Path, EmbeddedDatabase> RUNNING = new ConcurrentHashMap<>();

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** The server for {@code dataDirectory}, started now if it is not running yet. */
    static EmbeddedDatabase at(Path dataDirectory, int port) {
        Path key = dataDirectory.toAbsolutePath().normalize();
        return RUNNING.computeIfAbsent(key, dir -> start(dir, port));
    }

    private static EmbeddedDatabase start(Path dir, int port) {
        try {
            Files.createDirectories(dir.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("listen_addresses", "localhost");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres pg = builder.start();
            LOG.info(() -> "{\"event\":\"db_embedded_started\",\"port\":" + pg.getPort()
                    + ",\"dataDirectory\":\"" + dir.toString().replace("\\", "/") + "\"}");
            return new EmbeddedDatabase(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dir, e);
        }
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

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/postgres";
    }

    static String user() {
        return "postgres";
    }
}
