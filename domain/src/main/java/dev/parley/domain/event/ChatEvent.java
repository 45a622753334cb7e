package dev.parley.domain.event;

import dev.parley.domain.chat.ChatId;
import java.util.Objects;

/**
 * One event of a chat as the outbox keeps it: its id, which counts the chat's events from 1 without
 * a gap (the id of the n-th event ever written for the chat is n), its kind ({@code typing},
 * {@code message}, ...) and its payload as the watchers get it (JSON text).
 */
public record ChatEvent(ChatId chatId, long id, String kind, String payload) {
    public ChatEvent {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        if (id < 1) {
            throw new IllegalArgumentException("an event id is at least 1: " + id);
        }
    }

    /** An event to append: its kind and payload; the log gives it its id. */
    public record New(String kind, String payload) {
        public New {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(payload, "payload");
        }
    }
}
