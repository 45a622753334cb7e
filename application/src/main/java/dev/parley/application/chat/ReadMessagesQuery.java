package dev.parley.application.chat;

import dev.parley.application.common.Require;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.user.UserId;

/** Read messages {@code offset .. offset + limit} of a chat; limit 1..{@value #MAX_LIMIT}. */
public record ReadMessagesQuery(UserId caller, ChatId chatId, int offset, int limit) {
    public static final int MAX_LIMIT = 200;
    public static final int DEFAULT_LIMIT = 50;

    public ReadMessagesQuery {
        Require.present(caller, "caller");
        Require.present(chatId, "chatId");
        Require.range(offset, "offset", 0, Integer.MAX_VALUE);
        Require.range(limit, "limit", 1, MAX_LIMIT);
    }
}
