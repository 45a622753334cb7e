package dev.parley.rest.telemetry;

import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.CircuitTransition;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.telemetry.GenerationTelemetry;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.time.Clock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes generation telemetry as one JSON object per log line on the {@code parley.telemetry}
 * logger: {@code chat_generation_attempt}, {@code chat_generation_completed} and
 * {@code circuit_state_changed}. Chat ids appear only as salted hashes ({@code chat}); message
 * content is never given to it. Thread-safe.
 */
public final class JsonLogTelemetry implements GenerationTelemetry, BreakerListener {
    static final Logger LOG = Logger.getLogger("parley.telemetry");

    private final Function<ChatId, String> chatHash;
    private final Clock clock;

    /** @param chatHash the salted hash under which a chat appears in every event of the service */
    public JsonLogTelemetry(Function<ChatId, String> chatHash, Clock clock) {
        this.chatHash = chatHash;
        this.clock = clock;
    }

    @Override
    public void attempt(String requestId, AttemptReport report) {
        JsonObjectBuilder event = event("chat_generation_attempt")
                .add("requestId", requestId)
                .add("chat", chatHash.apply(report.chatId()))
                .add("attempt", report.attempt())
                .add("outcome", report.outcome().name().toLowerCase(java.util.Locale.ROOT))
                .add("latencyMs", report.latency().toMillis())
                .add("backoffMs", report.willRetry() ? report.backoff().toMillis() : 0)
                .add("willRetry", report.willRetry())
                .add("breakerState", report.breakerState().name());
        if (report.code() != null) {
            event.add("code", report.code().name());
        }
        write(event);
    }

    @Override
    public void completed(String requestId, ChatId chatId, ErrorCode failure, RetryMeta meta, boolean replayed) {
        JsonObjectBuilder event = event("chat_generation_completed")
                .add("requestId", requestId)
                .add("chat", chatHash.apply(chatId))
                .add("outcome", failure == null ? "succeeded" : "failed")
                .add("replayed", replayed);
        if (failure != null) {
            event.add("code", failure.name());
        }
        if (meta != null) {
            JsonArrayBuilder backoff = Json.createArrayBuilder();
            meta.backoffMs().forEach(backoff::add);
            event.add("attempts", meta.attempts())
                    .add("retries", meta.retries())
                    .add("backoffMs", backoff)
                    .add("totalDurationMs", meta.totalDurationMs())
                    .add("breakerState", meta.breakerState().name());
        }
        write(event);
    }

    @Override
    public void onTransition(CircuitTransition transition) {
        write(event("circuit_state_changed")
                .add("chat", chatHash.apply(transition.chatId()))
                .add("from", transition.from().kind().name())
                .add("to", transition.to().kind().name())
                .add("at", transition.at().toString()));
    }

    private JsonObjectBuilder event(String name) {
        return Json.createObjectBuilder().add("event", name).add("ts", clock.instant().toString());
    }

    private static void write(JsonObjectBuilder event) {
        if (LOG.isLoggable(Level.INFO)) {
            LOG.info(event.build().toString());
        }
    }
}
