package dev.parley.application.chat;

import dev.parley.domain.chat.ChatSummary;

/** Starts a new chat of the caller with a persona; returns it as the chat list shows it. */
public interface StartChatUseCase {
    /** @throws dev.parley.domain.error.ValidationException for an unknown persona or a bad title */
    ChatSummary start(StartChatCommand command);
}
