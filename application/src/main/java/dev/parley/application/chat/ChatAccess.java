package dev.parley.application.chat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.user.UserId;

/** Finds a chat for its owner. Another user's chat is reported exactly like a missing one. */
final class ChatAccess {
    private ChatAccess() {
    }

    static Chat ownedChat(Conversations conversations, ChatId chatId, UserId caller) {
        return conversations.find(chatId)
                .filter(chat -> chat.isOwnedBy(caller))
                .orElseThrow(() -> new ParleyException(ErrorCode.CHAT_NOT_FOUND, "no such chat for the caller"));
    }
}
