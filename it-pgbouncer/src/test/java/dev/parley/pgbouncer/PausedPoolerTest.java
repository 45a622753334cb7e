package dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.jdbc.ParleyDataSource;
import dev.parley.persistence.boundary.DatabaseFailures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data source's timeouts against a PgBouncer in {@code PAUSE} (it accepts connections and
 * queries and answers none): a statement on an open connection and a new connection both fail
 * within their timeouts as a connection failure, which the persistence boundary translates into
 * {@code DATABASE_UNAVAILABLE}; after {@code RESUME} new connections work.
 */
class PausedPoolerTest {
    private final PgBouncer bouncer = PgBouncer.start("paused", PgBouncer.Mode.TRANSACTION, 2, Databases.postgres().getPort());

    @AfterEach
    void stop() {
        bouncer.close();
    }

    private ParleyDataSource dataSource() {
        ParleyDataSource ds = new ParleyDataSource();
        ds.setURL(bouncer.jdbcUrl());
        ds.setUser("postgres");
        ds.setConnectTimeoutMs("1000");
        ds.setSocketTimeoutMs("2000");
        return ds;
    }

    @Test
    void aStatementAndANewConnectionFailWithinTheirTimeoutsAsDatabaseUnavailableAndResumeHeals() throws Exception {
        ParleyDataSource ds = dataSource();
        try (Connection open = ds.getConnection(); Statement s = open.createStatement()) {
            s.setQueryTimeout(1); // what Liberty's queryTimeout sets on every statement
            bouncer.pause();

            long start = System.nanoTime();
            Throwable failure = catchThrowable(() -> s.executeQuery("select count(*) from users"));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(millis).as("ended by the query or socket timeout, not by RESUME").isLessThan(4_000);
            assertThat(DatabaseFailures.translate(new RuntimeException(failure)))
                    .isInstanceOfSatisfying(ParleyException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));
        }

        long start = System.nanoTime();
        Throwable fresh = catchThrowable(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeQuery("select 1").close();
            }
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(fresh).as("a new connection's first query waits for the paused pooler").isInstanceOf(SQLException.class);
        assertThat(millis).isLessThan(4_000);
        assertThat(DatabaseFailures.isUnavailability(fresh)).isTrue();

        bouncer.resume();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from users")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
