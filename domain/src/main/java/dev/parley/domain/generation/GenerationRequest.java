package dev.parley.domain.generation;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.persona.Persona;
import java.util.List;
import java.util.Objects;

/**
 * What a reply is generated from: the persona, the recent history of the chat (oldest first, the
 * user message being answered last).
 */
public record GenerationRequest(ChatId chatId, Persona persona, List<Message> history, Message userMessage) {
    public GenerationRequest {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(persona, "persona");
        history = List.copyOf(history);
        Objects.requireNonNull(userMessage, "userMessage");
    }
}
