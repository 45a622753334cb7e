package dev.parley.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/** Detection and the applied settings on a direct connection (no pooler); PgBouncer is in it-pgbouncer. */
class PoolerDetectionDirectTest {
    @TempDir
    static Path tmp;

    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger log = Logger.getLogger(ParleyDataSource.class.getName());

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    private ParleyDataSource direct(String setting) {
        ParleyDataSource ds = new ParleyDataSource();
        ds.setEmbedded(true);
        ds.setEmbeddedDataDirectory(tmp.resolve("pg").toString());
        ds.setPassword("s3cret-never-logged");
        ds.setPgbouncerDisableCache(setting);
        return ds;
    }

    @Test
    void autoFindsNoPoolerOnADirectConnectionAndKeepsServerSidePreparedStatements() throws Exception {
        ParleyDataSource ds = direct("auto");
        try (Connection c = ds.getConnection()) {
            assertThat(c.unwrap(PGConnection.class).getPrepareThreshold()).isEqualTo(5);
            assertThat(serverPreparedAfterTenUses(c)).as("pgjdbc's own cache prepares on the server").isPositive();
        }
        PoolerReport report = ds.poolerReport();
        assertThat(report.pooler()).isFalse();
        assertThat(report.mode()).isEqualTo(PoolMode.NONE);
        assertThat(report.source()).isEqualTo("detected");
        assertThat(report.protectedConnections()).isFalse();
        assertThat(events()).singleElement().asString()
                .contains("\"event\":\"db_pool_detected\"", "\"pooler\":false", "\"mode\":\"none\"",
                        "\"source\":\"detected\"", "\"prepareThreshold\":5")
                .doesNotContain("s3cret", "jdbc:", "localhost");
    }

    @Test
    void declaredTrueProtectsEveryConnectionWithoutProbing() throws Exception {
        ParleyDataSource ds = direct("true");
        for (int i = 0; i < 2; i++) {
            try (Connection c = ds.getConnection()) {
                assertThat(c.unwrap(PGConnection.class).getPrepareThreshold()).isZero();
                assertThat(serverPreparedAfterTenUses(c)).isZero();
            }
        }
        assertThat(ds.poolerReport()).isEqualTo(new PoolerReport(true, PoolMode.UNKNOWN, "declared",
                PgBouncerDisableCache.TRUE, 0, 0, true));
        assertThat(events()).singleElement().asString()
                .contains("\"pooler\":true", "\"source\":\"declared\"", "\"setting\":\"true\"",
                        "\"protected\":true", "\"prepareThreshold\":0", "\"preparedStatementCacheQueries\":0");
    }

    @Test
    void declaredFalseKeepsTheDriverDefaults() throws Exception {
        ParleyDataSource ds = direct("false");
        try (Connection c = ds.getConnection()) {
            assertThat(c.unwrap(PGConnection.class).getPrepareThreshold()).isEqualTo(5);
        }
        assertThat(ds.poolerReport().source()).isEqualTo("declared");
        assertThat(ds.poolerReport().pooler()).isFalse();
        assertThat(ds.poolerReport().preparedStatementCacheQueries()).isEqualTo(256);
    }

    @Test
    void anUnreachableDatabaseFailsTheConnectionAndIsProbedAgainLater() throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.at(tmp.resolve("pg"), 0);
        int port = db.port();
        ParleyDataSource ds = new ParleyDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:1/parley");
        ds.setUser(db.user());
        ds.setPassword(db.password());
        ds.setLoginTimeout(2);
        try {
            ds.getConnection().close();
            throw new AssertionError("port 1 should refuse");
        } catch (SQLException refused) {
            assertThat(refused.getSQLState()).startsWith("08");
        }
        assertThat(ds.poolerReport()).isNull();
        assertThat(events()).isEmpty();

        ds.setURL("jdbc:postgresql://127.0.0.1:" + port + "/parley");
        try (Connection c = ds.getConnection()) {
            assertThat(c.isValid(2)).isTrue();
        }
        assertThat(ds.poolerReport().pooler()).isFalse();
    }

    /** Runs one query ten times through fresh PreparedStatements; returns the named server statements. */
    private static int serverPreparedAfterTenUses(Connection c) throws SQLException {
        for (int i = 0; i < 10; i++) {
            try (PreparedStatement ps = c.prepareStatement("select ?::int + 1")) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(i + 1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select count(*) from pg_prepared_statements");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private List<String> events() {
        synchronized (logged) {
            return logged.stream().filter(m -> m.contains("db_pool_detected")).toList();
        }
    }
}
