package dev.parley.domain.breaker;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.util.Objects;

/**
 * The chat's breaker refused the call ({@link ErrorCode#CIRCUIT_OPEN}). {@link #retryAfter()} is the
 * exact time until the breaker lets a probe through (the REST adapter rounds it up into a
 * {@code Retry-After} header); it is always present.
 */
public class CircuitOpenException extends ParleyException {
    private static final long serialVersionUID = 1L;

    private final transient ChatId chatId;
    private final Duration remaining;

    public CircuitOpenException(ChatId chatId, Duration remaining) {
        super(ErrorCode.CIRCUIT_OPEN, "circuit breaker open, retry after " + remaining,
                Objects.requireNonNull(remaining, "remaining"));
        this.chatId = Objects.requireNonNull(chatId, "chatId");
        this.remaining = remaining;
    }

    public ChatId chatId() {
        return chatId;
    }

    /** Exact time until the breaker admits a probe; same value as {@code retryAfter().get()}. */
    public Duration remaining() {
        return remaining;
    }
}
