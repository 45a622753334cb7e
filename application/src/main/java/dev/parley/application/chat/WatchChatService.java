package dev.parley.application.chat;

import dev.parley.domain.chat.Conversations;
import java.util.Objects;

public final class WatchChatService implements WatchChatUseCase {
    private final Conversations conversations;

    public WatchChatService(Conversations conversations) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
    }

    @Override
    public void watch(WatchChatQuery query) {
        ChatAccess.ownedChat(conversations, query.chatId(), query.caller());
    }
}
