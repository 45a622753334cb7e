package dev.parley.application.chat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import java.util.Optional;

/**
 * Outbound port of the send-message use case: tells whoever watches a chat how its turns progress
 * (the REST adapter streams these as Server-Sent Events). The use case calls it at the moments the
 * turn moves; implementations must return quickly and never throw.
 */
public interface TurnEvents {
    /** Nobody watches. */
    TurnEvents NONE = new TurnEvents() {
        @Override
        public void generationStarted(ChatId chatId, String requestId) {
        }

        @Override
        public void messageChanged(Message message) {
        }

        @Override
        public void generationEnded(ChatId chatId, String requestId, Optional<ErrorCode> failure) {
        }
    };

    /** A reply is being generated for the turn of {@code requestId} (a typing indicator goes on). */
    void generationStarted(ChatId chatId, String requestId);

    /**
     * A message was stored or changed status: the user message of a turn (completed, or failed
     * with its code) or the persona's reply.
     */
    void messageChanged(Message message);

    /**
     * The generation announced by {@link #generationStarted} ended: with a reply ({@code failure}
     * empty) or failed with the code.
     */
    void generationEnded(ChatId chatId, String requestId, Optional<ErrorCode> failure);

    /**
     * A turn completed: its user message (now completed) and the reply changed, and the generation of
     * {@code requestId} ended with the reply. Called inside the turn's completing transaction, so an
     * implementation that records events can write them with the turn (and lose them with it); by
     * default the three events one after the other.
     */
    default void turnCompleted(Message userMessage, Message reply, String requestId) {
        messageChanged(userMessage);
        messageChanged(reply);
        generationEnded(userMessage.chatId(), requestId, Optional.empty());
    }
}
