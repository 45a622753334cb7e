package dev.parley.domain.chat;

import java.util.Objects;
import java.util.UUID;

/** Identity of a chat (a conversation between one user and one persona). */
public record ChatId(UUID value) {
    public ChatId {
        Objects.requireNonNull(value, "value");
    }

    public static ChatId of(String text) {
        return new ChatId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
