package dev.parley.application.chat;

import dev.parley.domain.chat.Chat;

/** Starts a new chat of the caller with a persona. */
public interface StartChatUseCase {
    /** @throws dev.parley.domain.error.ValidationException for an unknown persona or a bad title */
    Chat start(StartChatCommand command);
}
