package dev.parley.domain.generation;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.persona.Persona;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reply is generated from: the persona, the recent history of the chat (oldest first, the
 * user message being answered last), and the id of the request it serves, if any. The request id is
 * for telemetry only (it correlates the generator's events with the request's); it is never sent to
 * a provider.
 */
public record GenerationRequest(ChatId chatId, Persona persona, List<Message> history, Message userMessage,
        Optional<String> requestId) {
    public GenerationRequest {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(persona, "persona");
        history = List.copyOf(history);
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(requestId, "requestId");
    }

    /** A request that serves no client request (a probe, a test). */
    public GenerationRequest(ChatId chatId, Persona persona, List<Message> history, Message userMessage) {
        this(chatId, persona, history, userMessage, Optional.empty());
    }
}
