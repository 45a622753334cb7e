package dev.parley.persistence.migration;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * The application cannot start because no database is configured: the server's data source refused
 * every connection with SQLState {@value #STATE} (PostgreSQL's {@code config_file_error}) and has
 * logged the line that names the setting. This exception repeats that message only, without a stack
 * trace or a cause, so that the failed start adds no stack-trace flood to it.
 */
public final class DatabaseNotConfigured extends IllegalStateException {
    /** The SQLState {@code dev.parley.jdbc.ParleyDataSource} refuses connections with when nothing is configured. */
    public static final String STATE = "F0000";

    private DatabaseNotConfigured(String message) {
        super(message);
    }

    /** The not-configured refusal somewhere in {@code failure}'s cause chain, as this exception. */
    public static Optional<DatabaseNotConfigured> in(Throwable failure) {
        // the deepest one is the data source's own; Liberty's wrappers add "DSRA0010E: SQL State = ..."
        SQLException refusal = null;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql && STATE.equals(sql.getSQLState())) {
                refusal = sql;
            }
        }
        return Optional.ofNullable(refusal).map(sql -> new DatabaseNotConfigured(sql.getMessage()));
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
