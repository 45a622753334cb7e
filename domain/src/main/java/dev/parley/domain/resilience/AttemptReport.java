package dev.parley.domain.resilience;

import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/**
 * One attempt of a guarded request, for telemetry ({@code chat_generation_attempt}).
 *
 * @param chatId       the chat
 * @param attempt      1-based attempt number (for {@link Outcome#REJECTED}: the attempt that was not made)
 * @param outcome      what happened
 * @param code         the failure's code; {@code null} when {@link Outcome#SUCCEEDED}
 * @param latency      how long the attempt took; zero when rejected
 * @param willRetry    whether another attempt is scheduled
 * @param backoff      the wait chosen before that next attempt; zero unless {@code willRetry}
 * @param breakerState the chat's breaker state right after the outcome was recorded
 */
public record AttemptReport(ChatId chatId, int attempt, Outcome outcome, ErrorCode code, Duration latency,
                            boolean willRetry, Duration backoff, BreakerState.Kind breakerState) {

    /** How an attempt ended. */
    public enum Outcome {
        SUCCEEDED,
        FAILED,
        /** Not made: the breaker refused it ({@link ErrorCode#CIRCUIT_OPEN}). */
        REJECTED
    }

    public AttemptReport {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(breakerState, "breakerState");
        if ((outcome == Outcome.SUCCEEDED) != (code == null)) {
            throw new IllegalArgumentException("a code is given exactly when the attempt did not succeed");
        }
    }
}
