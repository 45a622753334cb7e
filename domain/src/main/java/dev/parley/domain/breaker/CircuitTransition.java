package dev.parley.domain.breaker;

import dev.parley.domain.chat.ChatId;
import java.time.Instant;
import java.util.Objects;

/**
 * A breaker of {@code chatId} changed its kind of state from {@code from} to {@code to} at {@code at}.
 * Only legal moves can be represented (see {@link BreakerState.Kind#canTransitionTo}); constructing
 * anything else throws {@link IllegalArgumentException}.
 */
public record CircuitTransition(ChatId chatId, BreakerState from, BreakerState to, Instant at) {
    public CircuitTransition {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        if (!from.kind().canTransitionTo(to.kind())) {
            throw new IllegalArgumentException("illegal breaker transition " + from.kind() + " -> " + to.kind());
        }
    }
}
