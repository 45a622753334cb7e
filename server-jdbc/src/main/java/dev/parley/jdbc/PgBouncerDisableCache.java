package dev.parley.jdbc;

import java.util.Locale;
import java.util.Map;

/**
 * The setting {@code parley.db.pgbouncer-disable-cache}: whether the database connections run with
 * the settings that are safe behind a transaction-pooling PgBouncer (no server-side prepared
 * statements, no JDBC statement cache; docs/architecture.md#pgbouncer-policy).
 *
 * <ul>
 *   <li>{@link #AUTO} (the default): probe the database at the first connection
 *       ({@link PoolerProbe}) and protect the connections when a pooler sits in between;</li>
 *   <li>{@link #TRUE}: always protect (a pooler is declared), no probe;</li>
 *   <li>{@link #FALSE}: never protect (no pooler is declared), no probe: pgjdbc's defaults, server-side
 *       prepared statements after five uses of a statement.</li>
 * </ul>
 *
 * <p>Where the value comes from, first match wins: the data source's bean property
 * {@code pgbouncerDisableCache} (in Liberty: {@code server.xml}'s variable
 * {@code parley.db.pgbouncer-disable-cache}, itself settable as {@code PARLEY_DB_PGBOUNCER_DISABLE_CACHE}
 * and falling back to {@code PGBOUNCER_DISABLE_CACHE}), then the environment variables
 * {@code PARLEY_DB_PGBOUNCER_DISABLE_CACHE} and {@code PGBOUNCER_DISABLE_CACHE}, then {@code auto}.
 * A blank value, or a Liberty variable reference left unresolved ({@code ${...}}), counts as unset.
 * Values are case-insensitive; anything other than {@code auto}, {@code true} or {@code false} is
 * refused with an {@link IllegalArgumentException} rather than guessed.
 */
public enum PgBouncerDisableCache {
    AUTO, TRUE, FALSE;

    /** The configuration key. */
    public static final String KEY = "parley.db.pgbouncer-disable-cache";
    /** The environment variable in MicroProfile's mapping of {@link #KEY}. */
    public static final String ENV = "PARLEY_DB_PGBOUNCER_DISABLE_CACHE";
    /** The short environment variable accepted as well (docs/architecture.md#pgbouncer-policy). */
    public static final String SHORT_ENV = "PGBOUNCER_DISABLE_CACHE";

    /** Resolves the setting from a configured value and the environment, as described above. */
    public static PgBouncerDisableCache resolve(String configured, Map<String, String> environment) {
        if (isSet(configured)) {
            return parse(configured);
        }
        String env = environment.get(ENV);
        if (isSet(env)) {
            return parse(env);
        }
        String shortEnv = environment.get(SHORT_ENV);
        return isSet(shortEnv) ? parse(shortEnv) : AUTO;
    }

    /** Parses {@code auto}, {@code true} or {@code false}, ignoring case and surrounding blanks. */
    public static PgBouncerDisableCache parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "true" -> TRUE;
            case "false" -> FALSE;
            default -> throw new IllegalArgumentException(
                    KEY + " must be auto, true or false, not '" + value + "'");
        };
    }

    /** The value as it is written in configuration. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank() && !value.trim().startsWith("${");
    }
}
