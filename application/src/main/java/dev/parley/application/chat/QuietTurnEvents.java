package dev.parley.application.chat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link TurnEvents} that swallows whatever the wrapped listener throws: telling watchers about a
 * turn must never break the turn itself.
 */
final class QuietTurnEvents implements TurnEvents {
    private final TurnEvents delegate;

    QuietTurnEvents(TurnEvents delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void generationStarted(ChatId chatId, String requestId) {
        quietly(() -> delegate.generationStarted(chatId, requestId));
    }

    @Override
    public void messageChanged(Message message) {
        quietly(() -> delegate.messageChanged(message));
    }

    @Override
    public void generationEnded(ChatId chatId, String requestId, Optional<ErrorCode> failure) {
        quietly(() -> delegate.generationEnded(chatId, requestId, failure));
    }

    @Override
    public void turnCompleted(Message userMessage, Message reply, String requestId) {
        quietly(() -> delegate.turnCompleted(userMessage, reply, requestId));
    }

    private static void quietly(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException ignored) {
            // a watcher's failure is not the turn's; the port promises not to throw anyway
        }
    }
}
