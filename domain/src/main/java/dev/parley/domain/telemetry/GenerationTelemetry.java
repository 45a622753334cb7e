package dev.parley.domain.telemetry;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryMeta;
import java.time.Duration;

/**
 * Port: what the send-a-message use case reports for observability ({@code chat_generation_attempt},
 * {@code chat_generation_completed}, and the metrics and spans of a turn). Implementations must never
 * record message content, and must be quick: they are called on request and scheduler threads.
 *
 * <p>Order per request: {@link #started} on the request's thread once its turn is stored or claimed
 * (before moderation and generation; if the transaction that stored it then fails, {@link #completed}
 * follows with that failure), then any {@link #attempt}s (a streamed attempt may report its
 * {@link #firstDelta} before it ends), {@link #charged} after a reply was paid for, and
 * {@link #completed} exactly once. A replayed turn reports {@link #completed} only.
 */
public interface GenerationTelemetry {
    GenerationTelemetry NONE = new GenerationTelemetry() {
        @Override
        public void attempt(String requestId, AttemptReport report) {
        }

        @Override
        public void completed(String requestId, ChatId chatId, ErrorCode failure, RetryMeta meta, boolean replayed) {
        }
    };

    /**
     * A request admitted a turn and starts answering it, on the request's own thread (a tracer takes
     * the caller's context from it: later reports come on other threads).
     */
    default void started(String requestId, ChatId chatId) {
    }

    /** A reply was stored and {@code tokens} were charged for it. */
    default void charged(String requestId, long tokens) {
    }

    /**
     * The first piece of a streamed attempt's reply arrived, {@code sinceAttemptStart} after the attempt
     * was started (time to first token). At most once per attempt; only for streamed turns.
     */
    default void firstDelta(String requestId, ChatId chatId, int attempt, Duration sinceAttemptStart) {
    }

    /** One generation attempt of a request ended (or was refused by the breaker). */
    void attempt(String requestId, AttemptReport report);

    /**
     * A request ended: {@code failure} is {@code null} on success; {@code meta} is {@code null} when no
     * generation was tried (e.g. moderation, balance, a replayed turn).
     */
    void completed(String requestId, ChatId chatId, ErrorCode failure, RetryMeta meta, boolean replayed);
}
