package dev.parley.application.chat;

import dev.parley.domain.chat.Message;
import java.util.Objects;

/** A completed turn: the user's message, the persona's reply, what it cost and the balance after. */
public record ChatTurn(Message userMessage, Message assistantMessage, long tokensCharged, long tokenBalance) {
    public ChatTurn {
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(assistantMessage, "assistantMessage");
    }
}
