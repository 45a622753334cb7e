package dev.parley.jdbc;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
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
 *   <li>Without one it starts an embedded PostgreSQL in {@code embeddedDataDirectory} (on
 *       {@code embeddedPort}, or a free port when 0) and connects to it, so the service runs with
 *       no configuration at all.</li>
 * </ul>
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

    private volatile String url;
    private volatile String user;
    private volatile String password;
    private volatile String embeddedDataDirectory = "target/embedded-pg";
    private volatile int embeddedPort;
    private volatile int loginTimeoutSeconds = 10;
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
                ds.getPreparedStatementCacheQueries(), isEmbedded());
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
        if (isBlank(url)) {
            EmbeddedDatabase embedded = EmbeddedDatabase.at(Path.of(embeddedDataDirectory), embeddedPort);
            ds.setURL(embedded.jdbcUrl());
            ds.setUser(EmbeddedDatabase.user());
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
        ds.setLoginTimeout(loginTimeoutSeconds);
        ds.setConnectTimeout(loginTimeoutSeconds);
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

    /** True when no external database is configured and the embedded one is used. */
    public boolean isEmbedded() {
        return isBlank(url);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
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

    @Override
    public void setLoginTimeout(int seconds) {
        if (seconds > 0) {
            this.loginTimeoutSeconds = seconds;
        }
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
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
