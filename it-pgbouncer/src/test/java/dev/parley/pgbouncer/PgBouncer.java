package dev.parley.pgbouncer;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PgBouncer (Debian's 1.18 here) in front of a PostgreSQL, started as a daemon for a test and
 * stopped with it. PgBouncer refuses to run as root, so as root it runs as the {@code postgres} user
 * (or {@code nobody}); its config, pid file and log live in a world-writable directory under
 * {@code target/pgbouncer}. {@code -d} returns 0 even when the daemon dies right after, so
 * {@link #start()} polls until a real login works.
 *
 * <p>A missing binary skips the calling test with a loud reason, except when {@code CI=true}: then it
 * fails it.
 */
public final class PgBouncer implements AutoCloseable {
    /** PgBouncer's {@code pool_mode}. */
    public enum Mode {
        SESSION, TRANSACTION
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final String binary;
    private final Path dir;
    private final Mode mode;
    private final int poolSize;
    private final int postgresPort;
    private final int port;

    private PgBouncer(String binary, Path dir, Mode mode, int poolSize, int postgresPort, int port) {
        this.binary = binary;
        this.dir = dir;
        this.mode = mode;
        this.poolSize = poolSize;
        this.postgresPort = postgresPort;
        this.port = port;
    }

    /** Starts a PgBouncer named {@code name} in {@code mode} with {@code poolSize} server connections. */
    public static PgBouncer start(String name, Mode mode, int poolSize, int postgresPort) {
        String binary = binary();
        Path dir = Path.of(System.getProperty("parley.pgbouncer.work-dir", "target/pgbouncer")).toAbsolutePath()
                .resolve(name + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PgBouncer bouncer = new PgBouncer(binary, dir, mode, poolSize, postgresPort, freePort());
        bouncer.writeConfig();
        bouncer.start();
        return bouncer;
    }

    public int port() {
        return port;
    }

    public Mode mode() {
        return mode;
    }

    /** The JDBC URL of the {@code postgres} database through this PgBouncer. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Starts the daemon and returns once it accepts logins and answers queries. */
    public void start() {
        List<String> command = new ArrayList<>(List.of(binary, "-d"));
        unprivilegedUser().ifPresent(user -> command.addAll(List.of("-u", user)));
        command.add(dir.resolve("pgbouncer.ini").toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("start.out").toFile()).start();
            if (!p.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("pgbouncer did not start: " + read("start.out") + read("pgbouncer.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        SQLException[] last = new SQLException[1];
        boolean ready = Poll.until(READY_TIMEOUT, () -> {
            try (Connection c = DriverManager.getConnection(jdbcUrl() + "?prepareThreshold=0&connectTimeout=2",
                    "postgres", "")) {
                c.createStatement().execute("select 1");
                return true;
            } catch (SQLException notYet) {
                last[0] = notYet;
                return false;
            }
        });
        if (!ready) {
            fail("pgbouncer on port " + port + " never answered: " + last[0] + "\n" + read("pgbouncer.log"));
        }
    }

    /**
     * Stops the daemon at once (SIGTERM: PgBouncer 1.18's immediate shutdown, dropping client and
     * server connections) and returns when its port is closed.
     */
    public void stop() {
        end(false);
    }

    /**
     * Kills the daemon without warning (SIGKILL, {@code kill -9}: no shutdown at all, every client and
     * server connection cut) and returns when its port is closed. {@link #start()} brings it back on the
     * same port (it removes the stale pid file itself).
     */
    public void kill() {
        end(true);
    }

    /** SIGKILL ({@code kill}) or SIGTERM, falling back to SIGKILL; returns when the port is closed. */
    private void end(boolean kill) {
        pid().flatMap(ProcessHandle::of).ifPresent(process -> {
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            try {
                process.onExit().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        });
        if (!Poll.until(READY_TIMEOUT, () -> !accepts())) {
            fail("pgbouncer on port " + port + " did not stop" + (kill ? " after kill -9" : ""));
        }
    }

    /**
     * {@code PAUSE postgres} on the admin console: returns once PgBouncer has released its server
     * connections; from then on every client query waits (until {@link #resume()}), although
     * PgBouncer still accepts connections. What a database that stops answering looks like.
     */
    public void pause() {
        admin("PAUSE postgres");
    }

    /** {@code RESUME postgres}: the waiting queries run. */
    public void resume() {
        admin("RESUME postgres");
    }

    /**
     * Runs {@code command} on the admin console ({@code admin_users = postgres}, trust). By hand over
     * the wire protocol: pgjdbc's login sends {@code SET} statements the console refuses.
     */
    private void admin(String command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            // one write per message: PgBouncer wants the startup packet whole in one read
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream()));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] startup = "user\0postgres\0database\0pgbouncer\0\0".getBytes(StandardCharsets.US_ASCII);
            out.writeInt(8 + startup.length);
            out.writeInt(196_608); // protocol 3.0
            out.write(startup);
            out.flush();
            untilReady(in, "login");
            byte[] query = (command + "\0").getBytes(StandardCharsets.US_ASCII);
            out.writeByte('Q');
            out.writeInt(4 + query.length);
            out.write(query);
            out.flush();
            untilReady(in, command);
            out.writeByte('X');
            out.writeInt(4);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(command + " failed on pgbouncer " + port, e);
        }
    }

    /** Reads messages up to ReadyForQuery; an ErrorResponse fails with its text. */
    private static void untilReady(DataInputStream in, String what) throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (type == 'E') {
                throw new IllegalStateException(what + ": " + new String(body, StandardCharsets.US_ASCII).replace('\0', ' '));
            }
            if (type == 'Z') {
                return;
            }
        }
    }

    /** Whether something accepts TCP connections on the port. */
    public boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Optional<Long> pid() {
        try {
            Path pidFile = dir.resolve("pgbouncer.pid");
            return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void writeConfig() {
        String ini = String.join("\n",
                "[databases]",
                "postgres = host=127.0.0.1 port=" + postgresPort + " dbname=postgres user=postgres",
                "",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pool_mode = " + mode.name().toLowerCase(Locale.ROOT),
                "default_pool_size = " + poolSize,
                "min_pool_size = 0",
                "reserve_pool_size = 0",
                "max_client_conn = 500",
                "server_login_retry = 1",
                // pgjdbc sends it at login; PgBouncer does not track it
                "ignore_startup_parameters = extra_float_digits",
                "logfile = " + dir.resolve("pgbouncer.log"),
                "pidfile = " + dir.resolve("pgbouncer.pid"),
                "admin_users = postgres",
                "");
        try {
            Files.writeString(dir.resolve("pgbouncer.ini"), ini);
            Files.writeString(dir.resolve("userlist.txt"), "\"postgres\" \"\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String read(String file) {
        try {
            Path p = dir.resolve(file);
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The pgbouncer binary, or the test is skipped (failed under {@code CI=true}). */
    static String binary() {
        for (String candidate : List.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dirName.isEmpty() && Files.isExecutable(Path.of(dirName, "pgbouncer"))) {
                return Path.of(dirName, "pgbouncer").toString();
            }
        }
        String reason = "pgbouncer is not installed (Debian: apt-get install pgbouncer): the PgBouncer tests cannot run";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason + " and CI=true forbids skipping them");
        }
        System.err.println("!!! SKIPPED: " + reason);
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }

    private static Optional<String> unprivilegedUser() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        try {
            boolean hasPostgres = Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("postgres:"));
            return Optional.of(hasPostgres ? "postgres" : "nobody");
        } catch (IOException e) {
            return Optional.of("nobody");
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
