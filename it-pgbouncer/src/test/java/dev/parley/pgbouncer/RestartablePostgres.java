package dev.parley.pgbouncer;

import dev.parley.persistence.migration.DatabaseMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * A PostgreSQL of its own that a test can restart: the embedded binaries with a fixed data directory
 * (kept between starts, {@code setCleanDataDirectory(false)}) and a fixed port, so that a restart
 * brings the same database back on the same address. {@link #restart()} is zonky's close, which is
 * {@code pg_ctl stop -m fast} (a fast shutdown: open transactions roll back, connections are cut),
 * then a start on the same directory, which skips {@code initdb} because the cluster exists. Migrated
 * with the production migrations at its first start.
 */
public final class RestartablePostgres implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private volatile EmbeddedPostgres running;

    private RestartablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** A fresh cluster in {@code target/<name>-<pid>}, started on a free port and migrated. */
    public static RestartablePostgres start(String name) {
        Path dir = Path.of(System.getProperty("parley.pgbouncer.work-dir", "target/pgbouncer")).toAbsolutePath()
                .resolve(name + "-" + ProcessHandle.current().pid());
        try {
            if (Files.exists(dir)) {
                try (var old = Files.walk(dir)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RestartablePostgres postgres = new RestartablePostgres(dir, freePort());
        postgres.startServer();
        DatabaseMigrator.migrate(postgres.running.getPostgresDatabase());
        return postgres;
    }

    public int port() {
        return port;
    }

    /** Direct JDBC to the {@code postgres} database as the superuser (valid across restarts). */
    public DataSource direct() {
        return running.getPostgresDatabase();
    }

    /** Fast shutdown ({@code pg_ctl stop -m fast}); returns when the server is gone. */
    public void stop() {
        EmbeddedPostgres current = running;
        running = null;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts the same cluster again on the same port; returns when it accepts connections. */
    public void startServer() {
        try {
            running = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(Databases::firstBinaryOnTheClassPath)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #stop()} then {@link #startServer()}. */
    public void restart() {
        stop();
        startServer();
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
