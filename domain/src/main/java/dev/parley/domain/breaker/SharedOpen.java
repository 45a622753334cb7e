package dev.parley.domain.breaker;

import dev.parley.domain.chat.ChatId;
import java.time.Duration;
import java.util.Objects;

/**
 * A chat's breaker as the cluster shares it: open since some instance opened it.
 *
 * @param chatId     the chat
 * @param generation which opening this is; every (re-)opening gets a new, larger one
 * @param remaining  time left until a probe may pass, by the shared store's clock; zero once over
 * @param probing    whether an instance holds a probe claim that has not lapsed
 */
public record SharedOpen(ChatId chatId, long generation, Duration remaining, boolean probing) {
    public SharedOpen {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(remaining, "remaining");
        if (remaining.isNegative()) {
            throw new IllegalArgumentException("remaining must not be negative: " + remaining);
        }
        if (generation < 1) {
            throw new IllegalArgumentException("generation must be positive: " + generation);
        }
    }
}
