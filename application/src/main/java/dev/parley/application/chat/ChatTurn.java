package dev.parley.application.chat;

import dev.parley.domain.chat.Message;
import dev.parley.domain.retry.RetryMeta;
import java.util.Objects;

/**
 * A completed turn: the user's message, the persona's reply, what the turn cost, the balance after,
 * and what it took to get the reply ({@code retryMeta}). A {@code replayed} turn was completed by an
 * earlier request with the same idempotency key and is returned again without a new charge.
 */
public record ChatTurn(Message userMessage, Message assistantMessage, long tokensCharged, long tokenBalance,
        RetryMeta retryMeta, boolean replayed) {
    public ChatTurn {
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(assistantMessage, "assistantMessage");
        Objects.requireNonNull(retryMeta, "retryMeta");
    }
}
