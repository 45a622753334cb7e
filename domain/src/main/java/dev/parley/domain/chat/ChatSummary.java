package dev.parley.domain.chat;

import java.util.Objects;
import java.util.Optional;

/** A chat as listed to its owner: the chat, its persona's name and a preview of its last message. */
public record ChatSummary(Chat chat, String personaName, Optional<Message> lastMessage) {
    public ChatSummary {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(personaName, "personaName");
        Objects.requireNonNull(lastMessage, "lastMessage");
    }
}
