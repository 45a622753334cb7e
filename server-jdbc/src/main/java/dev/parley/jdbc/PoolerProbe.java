package dev.parley.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Finds out from the connections themselves whether a pooler sits between Parley and PostgreSQL,
 * and in which mode. Host names and port numbers say nothing reliable about that; two behaviours
 * do:
 *
 * <ol>
 *   <li><b>The backend PID.</b> pgjdbc keeps the process id PostgreSQL announced at login
 *       ({@link PGConnection#getBackendPID()}). Through a pooler that is the pooler's own cancel key
 *       (PgBouncer makes it up), so it differs from what {@code select pg_backend_pid()} answers.</li>
 *   <li><b>Whether a client connection keeps its backend between transactions.</b> Connection A
 *       runs one autocommit statement on backend <i>p</i>. Connection B, while A stays open and
 *       idle, opens a transaction and holds its backend. If B got <i>p</i>, or A's next statement runs
 *       on another backend, A's backend did not belong to A between its transactions: transaction
 *       pooling. Otherwise the session was kept (session pooling, or no pooler).</li>
 * </ol>
 *
 * <p>The probe leaves no state behind: it sets nothing (no {@code SET}, no advisory lock, no
 * prepared statement; B's transaction is rolled back) and closes both connections. The connections
 * it is given must already be safe behind a transaction pooler ({@code prepareThreshold=0}).
 * Checking a session variable instead (set it in one transaction, read it in the next) would leave
 * that variable on a pooled backend for some other client, and would pass by luck when the pooler
 * hands the same backend back, which PgBouncer does by default (LIFO).
 *
 * <p>A probe that cannot complete B's transaction within {@code timeout} (the pooler has no backend
 * to spare, e.g. a session pool of one) reports the pooler with an {@link PoolMode#UNKNOWN} mode.
 */
final class PoolerProbe {
    private static final Executor DIRECT = Runnable::run;

    /** What the probe found. */
    record Detection(boolean pooler, PoolMode mode) {
    }

    private PoolerProbe() {
    }

    static Detection detect(DataSource safeConnections, Duration timeout) throws SQLException {
        int timeoutMs = Math.toIntExact(timeout.toMillis());
        try (Connection a = safeConnections.getConnection()) {
            a.setNetworkTimeout(DIRECT, timeoutMs);
            a.setAutoCommit(true);
            int announced = a.unwrap(PGConnection.class).getBackendPID();
            int first = backendPid(a);
            boolean pidDiffers = announced != first;
            boolean keepsBackend;
            try (Connection b = safeConnections.getConnection()) {
                b.setNetworkTimeout(DIRECT, timeoutMs);
                b.setAutoCommit(false);
                try {
                    int held = backendPid(b);
                    keepsBackend = held != first && backendPid(a) == first;
                } finally {
                    b.rollback();
                }
            } catch (SQLException noSecondBackend) {
                if (!pidDiffers) {
                    throw noSecondBackend;
                }
                return new Detection(true, PoolMode.UNKNOWN);
            }
            if (!keepsBackend) {
                return new Detection(true, PoolMode.TRANSACTION);
            }
            return pidDiffers ? new Detection(true, PoolMode.SESSION) : new Detection(false, PoolMode.NONE);
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
