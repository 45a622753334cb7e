package dev.parley.jdbc;

/**
 * What {@link ParleyDataSource} decided about the pooler and applied to every connection it makes;
 * logged once as the {@code db_pool_detected} event (docs/architecture.md#pgbouncer-policy,
 * #telemetry). It holds what was decided and applied; {@link #protectedConnections()} is derived from it.
 *
 * @param pooler whether a pooler sits between Parley and PostgreSQL (detected, or as declared)
 * @param mode the pooling mode, {@link PoolMode#UNKNOWN} when declared or not established
 * @param source {@code detected} (setting {@code auto}) or {@code declared} ({@code true}/{@code false})
 * @param setting the effective value of {@code parley.db.pgbouncer-disable-cache}
 * @param prepareThreshold pgjdbc's {@code prepareThreshold} on every connection (0: never a
 *     server-side prepared statement)
 * @param preparedStatementCacheQueries pgjdbc's {@code preparedStatementCacheQueries} (0: no cache)
 * @param embedded whether the database is the embedded PostgreSQL
 */
public record PoolerReport(boolean pooler, PoolMode mode, String source, PgBouncerDisableCache setting,
        int prepareThreshold, int preparedStatementCacheQueries, boolean embedded) {

    /**
     * Whether the connections run with the pooler-safe settings: no server-side prepared statements
     * and no statement cache.
     */
    public boolean protectedConnections() {
        return prepareThreshold == 0 && preparedStatementCacheQueries == 0;
    }

    /** The event as one line of JSON. Holds no URL, host, user or password. */
    public String toJson() {
        return "{\"event\":\"db_pool_detected\",\"pooler\":" + pooler + ",\"mode\":\"" + mode.value()
                + "\",\"source\":\"" + source + "\",\"setting\":\"" + setting.value()
                + "\",\"protected\":" + protectedConnections()
                + ",\"settings\":{\"prepareThreshold\":" + prepareThreshold
                + ",\"preparedStatementCacheQueries\":" + preparedStatementCacheQueries
                + ",\"serverSidePreparedStatements\":" + (prepareThreshold > 0) + "}"
                + ",\"database\":\"" + (embedded ? "embedded" : "external") + "\"}";
    }
}
