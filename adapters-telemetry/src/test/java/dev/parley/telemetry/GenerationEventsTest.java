package dev.parley.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.breaker.CircuitTransition;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The generation events keep the field names and values operators and docs/quickstart.md rely on. */
class GenerationEventsTest {
    @RegisterExtension
    final TelemetryLog log = new TelemetryLog();

    private final ChatId chat = new ChatId(UUID.fromString("3f2a0000-0000-4000-8000-000000000001"));
    private final String hash = new IdHasher("test-salt").hash(chat.value());
    private final GenerationEvents events = new GenerationEvents(
            new JsonLogTelemetry(new IdHasher("test-salt"), JsonLogTelemetryTest.CLOCK));
    private final String head = "\"ts\":\"2026-11-26T02:27:13.321Z\",\"requestId\":\"req-1\",\"chat\":\"";

    @Test
    void anAttempt() {
        events.attempt("req-1", new AttemptReport(chat, 1, AttemptReport.Outcome.FAILED, ErrorCode.AI_PROVIDER_UNAVAILABLE,
                Duration.ofMillis(2), true, Duration.ofMillis(1000), BreakerState.Kind.CLOSED));

        assertThat(log.lines()).containsExactly("{\"event\":\"chat_generation_attempt\"," + head + hash + "\","
                + "\"attempt\":1,\"outcome\":\"failed\",\"latencyMs\":2,\"backoffMs\":1000,\"willRetry\":true,"
                + "\"breakerState\":\"CLOSED\",\"code\":\"AI_PROVIDER_UNAVAILABLE\"}");
    }

    @Test
    void aCompletedRequestWithItsRetryMeta() {
        events.completed("req-1", chat, ErrorCode.AI_PROVIDER_UNAVAILABLE,
                new RetryMeta(4, List.of(1000L, 2000L, 4000L), 7010, BreakerState.Kind.CLOSED), false);

        assertThat(log.lines()).containsExactly("{\"event\":\"chat_generation_completed\"," + head + hash + "\","
                + "\"outcome\":\"failed\",\"replayed\":false,\"code\":\"AI_PROVIDER_UNAVAILABLE\",\"attempts\":4,"
                + "\"retries\":3,\"backoffMs\":[1000,2000,4000],\"totalDurationMs\":7010,\"breakerState\":\"CLOSED\"}");
    }

    @Test
    void aReplayedRequestWithoutGeneration() {
        events.completed("req-1", chat, null, null, true);

        assertThat(log.lines()).containsExactly("{\"event\":\"chat_generation_completed\"," + head + hash + "\","
                + "\"outcome\":\"succeeded\",\"replayed\":true}");
    }

    @Test
    void aFirstDeltaWritesNoLine() {
        events.firstDelta("req-1", chat, 1, Duration.ofMillis(250));

        assertThat(log.lines()).isEmpty();
    }

    @Test
    void aBreakerTransitionHasNoRequest() {
        Instant at = Instant.parse("2026-11-26T02:27:25.139Z");
        events.onTransition(new CircuitTransition(chat, BreakerState.Closed.HEALTHY,
                new BreakerState.Open(at, at.plusSeconds(30)), at));

        assertThat(log.lines()).containsExactly("{\"event\":\"circuit_state_changed\",\"ts\":\"2026-11-26T02:27:13.321Z\","
                + "\"chat\":\"" + hash + "\",\"from\":\"CLOSED\",\"to\":\"OPEN\",\"at\":\"2026-11-26T02:27:25.139Z\"}");
    }

    @Test
    void anExhaustedRetryBudgetIsOneWarningPerExhaustion() {
        Instant at = Instant.parse("2026-11-26T02:27:25.139Z");
        events.onRefused(new RetryBudget.Refusal(at, 120, 54, 54, Duration.ofMillis(3200), true));
        events.onRefused(new RetryBudget.Refusal(at, 121, 54, 54, Duration.ofMillis(3100), false));

        assertThat(log.lines()).containsExactly("{\"event\":\"retry_budget_exhausted\",\"ts\":\"2026-11-26T02:27:13.321Z\","
                + "\"firstAttempts\":120,\"retries\":54,\"allowed\":54,\"retryAfterMs\":3200,"
                + "\"at\":\"2026-11-26T02:27:25.139Z\"}");
    }
}
