package dev.parley.application.chat;

import dev.parley.application.common.Require;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.user.UserId;

/** The caller wants to hear the events of chat {@code chatId} as they happen. */
public record WatchChatQuery(UserId caller, ChatId chatId) {
    public WatchChatQuery {
        Require.present(caller, "caller");
        Require.present(chatId, "chatId");
    }
}
