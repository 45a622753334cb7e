package dev.parley.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBouncerDisableCacheTest {

    @Test
    void isAutoWhenNothingIsSet() {
        assertThat(PgBouncerDisableCache.resolve(null, Map.of())).isEqualTo(PgBouncerDisableCache.AUTO);
        assertThat(PgBouncerDisableCache.resolve("  ", Map.of())).isEqualTo(PgBouncerDisableCache.AUTO);
    }

    @Test
    void theConfiguredValueWinsOverTheEnvironment() {
        assertThat(PgBouncerDisableCache.resolve("False", Map.of("PGBOUNCER_DISABLE_CACHE", "true")))
                .isEqualTo(PgBouncerDisableCache.FALSE);
    }

    @Test
    void fallsBackToTheLongThenTheShortEnvironmentVariable() {
        assertThat(PgBouncerDisableCache.resolve(null,
                Map.of("PARLEY_DB_PGBOUNCER_DISABLE_CACHE", "false", "PGBOUNCER_DISABLE_CACHE", "true")))
                .isEqualTo(PgBouncerDisableCache.FALSE);
        assertThat(PgBouncerDisableCache.resolve("", Map.of("PGBOUNCER_DISABLE_CACHE", " TRUE ")))
                .isEqualTo(PgBouncerDisableCache.TRUE);
    }

    @Test
    void anUnresolvedLibertyVariableCountsAsUnset() {
        assertThat(PgBouncerDisableCache.resolve("${env.PGBOUNCER_DISABLE_CACHE}", Map.of("PGBOUNCER_DISABLE_CACHE", "true")))
                .isEqualTo(PgBouncerDisableCache.TRUE);
        assertThat(PgBouncerDisableCache.resolve("${env.PGBOUNCER_DISABLE_CACHE}", Map.of()))
                .isEqualTo(PgBouncerDisableCache.AUTO);
    }

    @Test
    void refusesAnythingElseNamingTheSetting() {
        assertThatThrownBy(() -> PgBouncerDisableCache.parse("yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parley.db.pgbouncer-disable-cache");
        assertThatThrownBy(() -> new ParleyDataSource().setPgbouncerDisableCache("sometimes"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
