package dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.jdbc.ParleyDataSource;
import dev.parley.jdbc.PgBouncerDisableCache;
import dev.parley.jdbc.PoolMode;
import dev.parley.jdbc.PoolerReport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** {@code parley.db.pgbouncer-disable-cache}: detection against real PgBouncers, and overrides. */
class PoolerDetectionTest {

    /** Takes one connection from a fresh ParleyDataSource and returns its decision. */
    private static PoolerReport firstConnection(String url, String setting, int expectedPrepareThreshold)
            throws SQLException {
        ParleyDataSource ds = new ParleyDataSource();
        ds.setURL(url);
        ds.setUser("postgres");
        ds.setPgbouncerDisableCache(setting);
        try (Connection c = ds.getConnection()) {
            assertThat(c.unwrap(PGConnection.class).getPrepareThreshold())
                    .as("prepareThreshold of the connection handed out").isEqualTo(expectedPrepareThreshold);
        }
        return ds.poolerReport();
    }

    @Test
    void aDirectConnectionHasNoPoolerAndKeepsTheDriverDefaults() throws Exception {
        PoolerReport report = firstConnection(Databases.directUrl(), "auto", 5);

        assertThat(report.pooler()).isFalse();
        assertThat(report.mode()).isEqualTo(PoolMode.NONE);
        assertThat(report.source()).isEqualTo("detected");
        assertThat(report.preparedStatementCacheQueries()).isEqualTo(256);
    }

    @Test
    void aSessionModePgBouncerIsDetectedAsASessionPooler() throws Exception {
        PoolerReport report = firstConnection(Databases.sessionPool().jdbcUrl(), "auto", 0);

        assertThat(report.pooler()).isTrue();
        assertThat(report.mode()).isEqualTo(PoolMode.SESSION);
        assertThat(report.protectedConnections()).isTrue();
    }

    @Test
    void aTransactionModePgBouncerIsDetectedAndEveryConnectionIsProtected() throws Exception {
        PoolerReport report = firstConnection(Databases.transactionPool().jdbcUrl(), "auto", 0);

        assertThat(report).isEqualTo(new PoolerReport(true, PoolMode.TRANSACTION, "detected",
                PgBouncerDisableCache.AUTO, 0, 0, false));
        assertThat(report.toJson()).contains("\"pooler\":true", "\"mode\":\"transaction\"", "\"source\":\"detected\"",
                "\"prepareThreshold\":0", "\"preparedStatementCacheQueries\":0");
    }

    @Test
    void declaringFalseOverridesADetectablePooler() throws Exception {
        PoolerReport report = firstConnection(Databases.transactionPool().jdbcUrl(), "false", 5);

        assertThat(report.pooler()).isFalse();
        assertThat(report.source()).isEqualTo("declared");
        assertThat(report.protectedConnections()).isFalse();
    }

    @Test
    void declaringTrueProtectsADirectConnection() throws Exception {
        PoolerReport report = firstConnection(Databases.directUrl(), "TRUE", 0);

        assertThat(report.pooler()).isTrue();
        assertThat(report.source()).isEqualTo("declared");
        assertThat(report.preparedStatementCacheQueries()).isZero();
    }

    @Test
    void theProbeLeavesNoTransactionOpenBehindThePooler() throws Exception {
        firstConnection(Databases.transactionPool().jdbcUrl(), "auto", 0);

        boolean clean = Poll.until(Duration.ofSeconds(10), () -> {
            try (Connection c = Databases.direct().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity"
                            + " where pid <> pg_backend_pid() and state like 'idle in transaction%'")) {
                rs.next();
                return rs.getInt(1) == 0;
            } catch (SQLException e) {
                return false;
            }
        });
        assertThat(clean).as("no backend is left inside the probe's transaction").isTrue();
    }
}
