package dev.parley.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

class ProviderCallStatsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ProviderCallStats stats = new ProviderCallStats(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void beforeAnyCallNothingWasSeen() {
        assertThat(stats.snapshot().lastBreakerSighting()).isEmpty();
        assertThat(stats.snapshot().inFlight()).isZero();
    }

    @Test
    void aCallRefusedByTheBreakerIsASightingOfItOpen() {
        stats.started();
        stats.finished(new CompletionException(new CircuitBreakerOpenException("open")));

        ProviderCallStats.Snapshot now = stats.snapshot();
        assertThat(now.refusedByBreaker()).isEqualTo(1);
        assertThat(now.lastBreakerSighting()).contains(
                new ProviderCallStats.Sighting(ProviderCallStats.BreakerSighting.OPEN, NOW));
        assertThat(now.inFlight()).isZero();
    }

    @Test
    void successesFailuresAndBulkheadRefusalsWentThroughTheBreaker() {
        stats.started();
        stats.started();
        stats.started();
        stats.finished(null);
        stats.finished(new IllegalStateException("upstream 500"));
        assertThat(stats.snapshot().inFlight()).isEqualTo(1);
        stats.finished(new BulkheadException("full"));

        ProviderCallStats.Snapshot now = stats.snapshot();
        assertThat(now.succeeded()).isEqualTo(1);
        assertThat(now.failed()).isEqualTo(1);
        assertThat(now.refusedByBulkhead()).isEqualTo(1);
        assertThat(now.lastBreakerSighting()).map(ProviderCallStats.Sighting::what)
                .contains(ProviderCallStats.BreakerSighting.LET_THROUGH);
    }
}
