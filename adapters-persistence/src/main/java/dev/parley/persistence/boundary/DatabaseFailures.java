package dev.parley.persistence.boundary;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Tells a database that is unreachable, restarting or shedding load apart from a request that is
 * wrong, and translates the former into {@code DATABASE_UNAVAILABLE} (docs/architecture.md#error-catalogue: 503, retryable,
 * not counted against the AI breaker).
 *
 * <p>Unavailability is, anywhere in the cause chain:
 * <ul>
 *   <li>a {@link SQLException} whose SQLState is of class {@code 08} (connection exception: refused,
 *       broken, and PgBouncer's own errors such as "server conn crashed?" or
 *       {@code query_wait_timeout}), {@code 57P01}-{@code 57P03} (server shutting down or starting),
 *       {@code 57014} (the query was cancelled), {@code 53300} (too many connections) or
 *       {@code 53400}; or, without an SQLState, one of JDBC's connection exception types
 *       (Liberty's "connection not available" pool timeout is a
 *       {@link SQLTransientConnectionException});</li>
 *   <li>a socket-level failure ({@link ConnectException}, {@link SocketException},
 *       {@link SocketTimeoutException}, {@link EOFException}, {@link UnknownHostException});</li>
 *   <li>Liberty's {@code ConnectionWaitTimeoutException} or {@code StaleConnectionException}, or
 *       Hibernate's {@code JDBCConnectionException} (matched by name: no compile-time dependency).</li>
 * </ul>
 * The first SQLException with an SQLState decides: a constraint violation ({@code 23xxx}), a syntax
 * error or any other state is never unavailability, whatever wraps it.
 */
public final class DatabaseFailures {
    /** The retry hint given to clients: PgBouncer or PostgreSQL restarts take about this long. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private DatabaseFailures() {
    }

    /** {@code failure} as a {@code DATABASE_UNAVAILABLE} ParleyException if it is one, else itself. */
    public static RuntimeException translate(RuntimeException failure) {
        if (failure instanceof ParleyException || !isUnavailability(failure)) {
            return failure;
        }
        return new ParleyException(ErrorCode.DATABASE_UNAVAILABLE, "database unavailable: " + describe(failure),
                RETRY_AFTER, failure);
    }

    /** Whether {@code failure} means that the database cannot be used right now. */
    public static boolean isUnavailability(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.equals("ConnectionWaitTimeoutException") || name.equals("StaleConnectionException")
                    || name.equals("JDBCConnectionException")) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && !state.isBlank()) {
                    return isUnavailableState(state);
                }
                if (sql instanceof SQLTransientConnectionException || sql instanceof SQLNonTransientConnectionException
                        || sql instanceof SQLRecoverableException) {
                    return true;
                }
            }
            if (t instanceof ConnectException || t instanceof SocketException || t instanceof SocketTimeoutException
                    || t instanceof EOFException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    static boolean isUnavailableState(String state) {
        return state.startsWith("08")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("57014")
                || state.equals("53300") || state.equals("53400");
    }

    /** Types and SQLStates of the chain; never messages (they may quote SQL or values). */
    private static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (out.length() > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                out.append('[').append(sql.getSQLState()).append(']');
            }
        }
        return out.toString();
    }
}
