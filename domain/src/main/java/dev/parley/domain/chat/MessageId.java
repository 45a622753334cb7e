package dev.parley.domain.chat;

import java.util.Objects;
import java.util.UUID;

/** Identity of a message in a chat. */
public record MessageId(UUID value) {
    public MessageId {
        Objects.requireNonNull(value, "value");
    }

    public static MessageId of(String text) {
        return new MessageId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
