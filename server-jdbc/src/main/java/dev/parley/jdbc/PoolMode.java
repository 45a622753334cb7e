package dev.parley.jdbc;

import java.util.Locale;

/** How the connections reach PostgreSQL, as far as {@link PoolerProbe} can tell. */
public enum PoolMode {
    /** No pooler: each connection is its own PostgreSQL backend for its whole life. */
    NONE,
    /** A pooler that keeps a client connection on one backend for the client's whole session. */
    SESSION,
    /** A pooler that may hand the next transaction of a client connection to another backend. */
    TRANSACTION,
    /** A pooler whose mode the probe could not establish; treated like {@link #TRANSACTION}. */
    UNKNOWN;

    /** The lower-case name used in the {@code db_pool_detected} event. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
