package dev.parley.jdbc;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
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
 * <p>Liberty pools the connections and manages transactions; this class only creates physical
 * connections. Bean properties are set by Liberty from the {@code <properties>} element before the
 * first connection; afterwards the instance is effectively immutable. Thread-safe.
 */
public class ParleyDataSource implements DataSource {
    private volatile String url;
    private volatile String user;
    private volatile String password;
    private volatile String embeddedDataDirectory = "target/embedded-pg";
    private volatile int embeddedPort;
    private volatile int loginTimeoutSeconds = 10;
    private volatile PrintWriter logWriter;

    private volatile PGSimpleDataSource target;

    @Override
    public Connection getConnection() throws SQLException {
        return target().getConnection();
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return target().getConnection(username, pass);
    }

    private PGSimpleDataSource target() {
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

    private PGSimpleDataSource createTarget() {
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
