package dev.parley.application.chat;

import java.util.concurrent.CompletionStage;

/**
 * Sends a user message to a chat and gets the persona's reply. The user message is stored before
 * anything else can fail, so it is never lost; the reply, the charge and the ledger row are stored
 * together or not at all. The returned stage completes exceptionally with a
 * {@link SendMessageFailedException} once the user message is stored, or with a plain
 * {@link dev.parley.domain.error.ParleyException} for failures before that (validation, unknown chat).
 */
public interface SendMessageUseCase {
    CompletionStage<ChatTurn> send(SendMessageCommand command);
}
