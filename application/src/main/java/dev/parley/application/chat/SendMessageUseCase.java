package dev.parley.application.chat;

import java.util.concurrent.CompletionStage;

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
     * Sends the message; {@code observer} hears the turn as it goes ({@link TurnObserver}: the stored
     * message's id before the reply, and for a streamed turn the reply's pieces and retries).
     */
    CompletionStage<ChatTurn> send(SendMessageCommand command, TurnObserver observer);

    default CompletionStage<ChatTurn> send(SendMessageCommand command) {
        return send(command, TurnObserver.NONE);
    }
}
