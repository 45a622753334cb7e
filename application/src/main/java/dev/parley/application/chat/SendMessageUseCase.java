package dev.parley.application.chat;

import dev.parley.domain.chat.MessageId;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Sends a user message to a chat and gets the persona's reply. The user message is stored before
 * anything else can fail, so it is never lost; the reply, the charge and the ledger row are stored
 * together or not at all. The returned stage completes exceptionally with a
 * {@link SendMessageFailedException} once the user message is stored; failures before that (unknown
 * chat, a reused key, a turn in progress, the balance, the caller's limits) are thrown as a plain
 * {@link dev.parley.domain.error.ParleyException} (USER_RATE_LIMITED as a
 * {@link dev.parley.application.limit.UserRateLimitedException}), with nothing stored.
 */
public interface SendMessageUseCase {
    /**
     * Sends the message; {@code onStored} hears the user message's id as soon as the turn is known
     * (stored, or found under the idempotency key), before the reply, so that a caller that must give
     * up waiting can still name the message to retry.
     */
    CompletionStage<ChatTurn> send(SendMessageCommand command, Consumer<MessageId> onStored);

    default CompletionStage<ChatTurn> send(SendMessageCommand command) {
        return send(command, id -> { });
    }
}
