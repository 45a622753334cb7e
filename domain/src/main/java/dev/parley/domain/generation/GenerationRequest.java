package dev.parley.domain.generation;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.persona.Persona;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reply is generated from: the persona, the recent history of the chat (oldest first, the
 * user message being answered last), the id of the request it serves, if any, and the time the
 * request has left for this attempt, if it has a deadline. The request id is for telemetry only (it
 * correlates the generator's events with the request's); it is never sent to a provider. The time
 * left is for the provider adapter: past it nobody waits for the attempt any more (the caller has cut
 * it off), so an adapter should end the exchange then and give back what it holds (a call slot, a
 * connection), however lively the provider still is.
 */
public record GenerationRequest(ChatId chatId, Persona persona, List<Message> history, Message userMessage,
        Optional<String> requestId, Optional<Duration> timeLeft) {
    public GenerationRequest {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(persona, "persona");
        history = List.copyOf(history);
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(timeLeft, "timeLeft");
        if (timeLeft.isPresent() && timeLeft.get().isNegative()) {
            throw new IllegalArgumentException("timeLeft must not be negative: " + timeLeft.get());
        }
    }

    /** A request without a deadline. */
    public GenerationRequest(ChatId chatId, Persona persona, List<Message> history, Message userMessage,
            Optional<String> requestId) {
        this(chatId, persona, history, userMessage, requestId, Optional.empty());
    }

    /** A request that serves no client request (a probe, a test). */
    public GenerationRequest(ChatId chatId, Persona persona, List<Message> history, Message userMessage) {
        this(chatId, persona, history, userMessage, Optional.empty());
    }

    /** This request for an attempt that has {@code timeLeft} until the request's deadline. */
    public GenerationRequest within(Duration timeLeft) {
        return new GenerationRequest(chatId, persona, history, userMessage, requestId,
                Optional.of(Objects.requireNonNull(timeLeft, "timeLeft")));
    }
}
