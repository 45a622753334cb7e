package dev.parley.telemetry;

import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.CircuitTransition;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.telemetry.GenerationTelemetry;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What the send-a-message use case and the chats' breakers report, as telemetry events:
 * {@code chat_generation_attempt}, {@code chat_generation_completed} and
 * {@code circuit_state_changed}, handed to the {@link TelemetryEvents} writer, and
 * {@code retry_budget_exhausted} when the provider-wide retry budget refuses a retry after granting
 * one (once per exhaustion, not per refused retry). It receives no message content. Thread-safe.
 */
public final class GenerationEvents implements GenerationTelemetry, BreakerListener, RetryBudget.Listener {
    private final TelemetryEvents events;

    public GenerationEvents(TelemetryEvents events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public void attempt(String requestId, AttemptReport report) {
        TelemetryEvent.Builder event = TelemetryEvent.info("chat_generation_attempt")
                .requestId(requestId)
                .chat(report.chatId())
                .with("attempt", report.attempt())
                .with("outcome", report.outcome().name().toLowerCase(Locale.ROOT))
                .with("latencyMs", report.latency().toMillis())
                .with("backoffMs", report.willRetry() ? report.backoff().toMillis() : 0L)
                .with("willRetry", report.willRetry())
                .with("breakerState", report.breakerState());
        if (report.code() != null) {
            event.with("code", report.code());
        }
        events.emit(event.build());
    }

    /**
     * Writes nothing: the time to a streamed attempt's first delta is a metric and a span event
     * ({@link OpenTelemetryTurns}); the log keeps its one line per attempt and per turn.
     */
    @Override
    public void firstDelta(String requestId, ChatId chatId, int attempt, Duration sinceAttemptStart) {
    }

    @Override
    public void completed(String requestId, ChatId chatId, ErrorCode failure, RetryMeta meta, boolean replayed) {
        TelemetryEvent.Builder event = TelemetryEvent.info("chat_generation_completed")
                .requestId(requestId)
                .chat(chatId)
                .with("outcome", failure == null ? "succeeded" : "failed")
                .with("replayed", replayed);
        if (failure != null) {
            event.with("code", failure);
        }
        if (meta != null) {
            event.with("attempts", meta.attempts())
                    .with("retries", meta.retries())
                    .with("backoffMs", meta.backoffMs())
                    .with("totalDurationMs", meta.totalDurationMs())
                    .with("breakerState", meta.breakerState());
        }
        events.emit(event.build());
    }

    @Override
    public void onRefused(RetryBudget.Refusal refusal) {
        if (!refusal.newlyExhausted()) {
            return;
        }
        events.emit(TelemetryEvent.warning("retry_budget_exhausted")
                .with("firstAttempts", refusal.firstAttempts())
                .with("retries", refusal.retries())
                .with("allowed", refusal.allowed())
                .with("retryAfterMs", refusal.retryAfter().toMillis())
                .with("at", refusal.at().toString())
                .build());
    }

    @Override
    public void onTransition(CircuitTransition transition) {
        events.emit(TelemetryEvent.info("circuit_state_changed")
                .chat(transition.chatId())
                .with("from", transition.from().kind())
                .with("to", transition.to().kind())
                .with("at", transition.at().toString())
                .build());
    }
}
