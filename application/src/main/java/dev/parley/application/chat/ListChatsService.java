package dev.parley.application.chat;

import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.user.UserId;
import java.util.List;
import java.util.Objects;

public final class ListChatsService implements ListChatsUseCase {
    private final Conversations conversations;

    public ListChatsService(Conversations conversations) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
    }

    @Override
    public List<ChatSummary> list(UserId caller) {
        return conversations.listFor(Objects.requireNonNull(caller, "caller"), MAX_CHATS);
    }
}
