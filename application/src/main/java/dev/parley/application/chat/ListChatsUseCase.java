package dev.parley.application.chat;

import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.user.UserId;
import java.util.List;

/** The caller's chats, most recent activity first, each with a preview of its last message. */
public interface ListChatsUseCase {
    int MAX_CHATS = 100;

    List<ChatSummary> list(UserId caller);
}
