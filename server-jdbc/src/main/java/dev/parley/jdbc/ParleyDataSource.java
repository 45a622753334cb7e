package dev.parley.jdbc;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The {@link DataSource} behind Open Liberty's {@code jdbc/parley} (see {@code server.xml}): a
 * pgjdbc data source whose target is resolved on first use.
 *
 * <ul>
 *   <li>With a {@code url} (the operator's {@code parley.db.url}) it connects there with
 *       {@code user}/{@code password}.</li>
 *   <li>Without one, and only when {@code embedded} is {@code true} ({@code parley.db.embedded}, set
 *       by the run and dev commands), it starts an embedded PostgreSQL in
 *       {@code embeddedDataDirectory} (on {@code embeddedPort}, or a free port when 0) and connects to
 *       it as the non-superuser role {@code parley} with the password generated for that directory
 *       ({@link EmbeddedDatabase}).</li>
 *   <li>With neither, every connection attempt fails with {@link #NOT_CONFIGURED} (SQLState
 *       {@value #NOT_CONFIGURED_STATE}, PostgreSQL's "configuration file error"), logged once at
 *       SEVERE as one line naming the setting: the application's startup migration is the first
 *       attempt, so the application does not start.</li>
 * </ul>
 *
 * <p>Every connection has bounded waits, so a database that stops answering fails a request instead
 * of hanging it: {@code connectTimeoutMs} bounds opening a connection (TCP connect and login, and
 * sending a cancel request), {@code socketTimeoutMs} any single wait for the server's answer (the
 * connection is then closed, SQLState {@code 08006}). Both are rounded up to whole seconds, pgjdbc's
 * unit. They are client-side settings, so they work behind a transaction pooler, which would not
 * pass startup options such as {@code statement_timeout} on.
 *
 * <p>Before the first connection is handed out it settles whether a pooler such as PgBouncer sits
 * in between ({@link PgBouncerDisableCache}: probed by {@link PoolerProbe} in {@code auto}, or as
 * declared) and, when one does, makes every connection safe behind a transaction pooler: no
 * server-side prepared statements ({@code prepareThreshold=0}) and no pgjdbc statement cache
 * ({@code preparedStatementCacheQueries=0}). The decision is logged once as {@code db_pool_detected}
 * and kept for the life of the data source (a changed topology needs a restart). When the database
 * cannot be reached, the connection attempt fails and the next one decides again.
 *
 * <p>Liberty pools the connections and manages transactions; this class only creates physical
 * connections. Bean properties are set by Liberty from the {@code <properties>} element before the
 * first connection; afterwards the instance is effectively immutable. Thread-safe.
 */
public class ParleyDataSource implements DataSource {
    private static final Logger LOG = Logger.getLogger(ParleyDataSource.class.getName());
    /** How long the pooler probe waits for a second backend before calling the mode unknown. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** The one line logged (and the message thrown) when neither a URL nor the embedded database is configured. */
    public static final String NOT_CONFIGURED = "Parley cannot start: set parley.db.url (environment PARLEY_DB_URL)"
            + " to a PostgreSQL JDBC URL, or parley.db.embedded=true (environment PARLEY_DB_EMBEDDED) for a"
            + " throwaway embedded database";
    /** SQLState of {@link #NOT_CONFIGURED}: PostgreSQL's {@code config_file_error}, never a connection failure. */
    public static final String NOT_CONFIGURED_STATE = "F0000";

    private volatile String url;
    private volatile String user;
    private volatile String password;
    private volatile String embeddedDataDirectory = "target/embedded-pg";
    private volatile int embeddedPort;
    private volatile boolean embedded;
    private volatile int connectTimeoutMs = 5_000;
    private volatile int socketTimeoutMs = 10_000;
    private final AtomicBoolean notConfiguredLogged = new AtomicBoolean();
    private volatile String pgbouncerDisableCache;
    private volatile PrintWriter logWriter;

    private volatile PGSimpleDataSource target;
    private volatile PoolerReport poolerReport;

    @Override
    public Connection getConnection() throws SQLException {
        return target().getConnection();
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return target().getConnection(username, pass);
    }

    private PGSimpleDataSource target() throws SQLException {
        PGSimpleDataSource current = target;
        if (current == null) {
            synchronized (this) {
                current = target;
                if (current == null) {
                    current = createTarget();
                    target = current;
                }
            }
        }
        return current;
    }

    private PGSimpleDataSource createTarget() throws SQLException {
        if (isBlank(url) && !embedded) {
            if (notConfiguredLogged.compareAndSet(false, true)) {
                LOG.severe(NOT_CONFIGURED);
            }
            throw new SQLNonTransientException(NOT_CONFIGURED, NOT_CONFIGURED_STATE);
        }
        PgBouncerDisableCache setting = PgBouncerDisableCache.resolve(pgbouncerDisableCache, System.getenv());
        PGSimpleDataSource ds = pgjdbcDataSource();
        boolean pooler;
        PoolMode mode;
        String source;
        if (setting == PgBouncerDisableCache.AUTO) {
            PGSimpleDataSource probe = pgjdbcDataSource();
            protect(probe);
            PoolerProbe.Detection detection = PoolerProbe.detect(probe, PROBE_TIMEOUT);
            pooler = detection.pooler();
            mode = detection.mode();
            source = "detected";
        } else {
            pooler = setting == PgBouncerDisableCache.TRUE;
            mode = PoolMode.UNKNOWN;
            source = "declared";
        }
        if (pooler) {
            protect(ds);
        }
        PoolerReport report = new PoolerReport(pooler, mode, source, setting, ds.getPrepareThreshold(),
                ds.getPreparedStatementCacheQueries(), usesEmbeddedDatabase());
        poolerReport = report;
        LOG.info(report::toJson);
        return ds;
    }

    /**
     * The settings that are safe behind a transaction pooler, where consecutive transactions of one
     * connection may run on different backends: a named server-side statement prepared on one
     * backend would be missing ({@code 26000}), already taken ({@code 42P05}) or another client's
     * statement ({@code 08P01}, or silently someone else's rows) on the next.
     */
    private static void protect(PGSimpleDataSource ds) {
        ds.setPrepareThreshold(0);
        ds.setPreparedStatementCacheQueries(0);
        ds.setPreparedStatementCacheSizeMiB(0);
    }

    private PGSimpleDataSource pgjdbcDataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        if (usesEmbeddedDatabase()) {
            EmbeddedDatabase db = EmbeddedDatabase.at(Path.of(embeddedDataDirectory), embeddedPort);
            ds.setURL(db.jdbcUrl());
            ds.setUser(db.user());
            ds.setPassword(db.password());
        } else {
            ds.setURL(url.trim());
            if (!isBlank(user)) {
                ds.setUser(user);
            }
            if (!isBlank(password)) {
                ds.setPassword(password);
            }
        }
        ds.setApplicationName("parley");
        int connectSeconds = seconds(connectTimeoutMs);
        ds.setConnectTimeout(connectSeconds);
        ds.setLoginTimeout(connectSeconds);
        ds.setCancelSignalTimeout(connectSeconds);
        ds.setSocketTimeout(seconds(socketTimeoutMs));
        ds.setTcpKeepAlive(true);
        return ds;
    }

    /**
     * What was decided about the pooler and applied to the connections, or null before the first
     * successful connection.
     */
    public PoolerReport poolerReport() {
        return poolerReport;
    }

    /** True when no external database is configured and the embedded one is asked for. */
    public boolean usesEmbeddedDatabase() {
        return isBlank(url) && embedded;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Milliseconds as pgjdbc's whole seconds, rounded up; 0 stays 0 (no limit). */
    private static int seconds(int millis) {
        return (int) ((millis + 999L) / 1000L);
    }

    private static int nonNegativeMillis(String name, String value, int fallback) {
        if (isBlank(value) || value.trim().startsWith("${")) {
            return fallback;
        }
        try {
            int millis = Integer.parseInt(value.trim());
            if (millis >= 0) {
                return millis;
            }
        } catch (NumberFormatException bad) {
            // below
        }
        throw new IllegalArgumentException(name + " must be a whole number of milliseconds, 0 or more: " + value);
    }

    // ---- bean properties, set by Liberty from server.xml ----

    public void setUrl(String url) {
        this.url = url;
    }

    /** Same as {@link #setUrl(String)}; Liberty's generic properties use either spelling. */
    public void setURL(String url) {
        setUrl(url);
    }

    public String getUrl() {
        return url;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getUser() {
        return user;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** {@code auto} (default), {@code true} or {@code false}: see {@link PgBouncerDisableCache}. */
    public void setPgbouncerDisableCache(String value) {
        if (value != null && !value.isBlank() && !value.trim().startsWith("${")) {
            PgBouncerDisableCache.parse(value); // refuse a bad value when it is configured, not later
        }
        this.pgbouncerDisableCache = value;
    }

    public String getPgbouncerDisableCache() {
        return pgbouncerDisableCache;
    }

    /**
     * {@code true} to start the embedded database when no {@code url} is set ({@code parley.db.embedded}).
     * A boolean property: Liberty converts {@code "true"}/{@code "false"} before it calls the setter.
     */
    public void setEmbedded(boolean embedded) {
        this.embedded = embedded;
    }

    public boolean getEmbedded() {
        return embedded;
    }

    /** Opening a connection (TCP connect, login, a cancel request), in ms ({@code parley.db.connect-timeout-ms}). */
    public void setConnectTimeoutMs(String millis) {
        this.connectTimeoutMs = nonNegativeMillis("parley.db.connect-timeout-ms", millis, connectTimeoutMs);
    }

    public String getConnectTimeoutMs() {
        return Integer.toString(connectTimeoutMs);
    }

    /** The longest wait for the server's answer, in ms ({@code parley.db.socket-timeout-ms}). */
    public void setSocketTimeoutMs(String millis) {
        this.socketTimeoutMs = nonNegativeMillis("parley.db.socket-timeout-ms", millis, socketTimeoutMs);
    }

    public String getSocketTimeoutMs() {
        return Integer.toString(socketTimeoutMs);
    }

    public void setEmbeddedDataDirectory(String embeddedDataDirectory) {
        if (!isBlank(embeddedDataDirectory)) {
            this.embeddedDataDirectory = embeddedDataDirectory.trim();
        }
    }

    public String getEmbeddedDataDirectory() {
        return embeddedDataDirectory;
    }

    public void setEmbeddedPort(String embeddedPort) {
        this.embeddedPort = isBlank(embeddedPort) ? 0 : Integer.parseInt(embeddedPort.trim());
    }

    public String getEmbeddedPort() {
        return Integer.toString(embeddedPort);
    }

    // ---- javax.sql.DataSource plumbing ----

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** The same as {@link #setConnectTimeoutMs(String)}, in seconds (JDBC's login timeout). */
    @Override
    public void setLoginTimeout(int seconds) {
        if (seconds > 0) {
            this.connectTimeoutMs = seconds * 1000;
        }
    }

    @Override
    public int getLoginTimeout() {
        return seconds(connectTimeoutMs);
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("dev.parley.jdbc");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return target().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target().isWrapperFor(iface);
    }
}
