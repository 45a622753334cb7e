package dev.parley.persistence.tx;

import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.hibernate.Session;

/**
 * Plain JDBC statements on the persistence context's own connection, in its transaction: for the
 * statements of a chat turn that are SQL anyway (they use PostgreSQL's {@code with ... returning},
 * {@code on conflict}, {@code for no key update}, {@code pg_notify}). Hibernate's native queries run the
 * same SQL but first build a query object, resolve its parameters' types and, before each, check
 * whether the session must flush; on the turn's path that was a fifth of the server's CPU
 * (docs/benchmarks.md). A statement here neither flushes the session nor updates entities it holds:
 * callers write nothing through entities before it in the same transaction (or flush first).
 * SQLExceptions reach the caller wrapped by Hibernate, with their SQLState
 * ({@link dev.parley.persistence.boundary.DatabaseFailures} reads the cause chain).
 */
public final class Jdbc {
    /** What to do with the prepared statement: bind, execute, read. */
    @FunctionalInterface
    public interface Use<T> {
        T apply(PreparedStatement statement) throws SQLException;
    }

    private Jdbc() {
    }

    /** Prepares {@code sql} on the transaction's connection and applies {@code use} to it. */
    public static <T> T prepared(EntityManager em, String sql, Use<T> use) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                return use.apply(statement);
            }
        });
    }

    /** Executes the bound query and answers the first column of its first row as a long, or {@code missing}. */
    public static long firstLong(PreparedStatement statement, long missing) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(1) : missing;
        }
    }

    /**
     * A time stamp for a {@code timestamptz} parameter, truncated to the microseconds PostgreSQL keeps
     * (a value written and compared later must equal itself on the way back).
     */
    public static OffsetDateTime timestamp(Instant at) {
        return OffsetDateTime.ofInstant(at.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
