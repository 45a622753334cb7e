package dev.parley.application.chat;

import dev.parley.application.limit.UserQuotas;
import dev.parley.domain.chat.Conversations;
import java.util.Objects;

public final class WatchChatService implements WatchChatUseCase {
    private final Conversations conversations;
    private final UserQuotas quotas;

    public WatchChatService(Conversations conversations, UserQuotas quotas) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
    }

    /** Ownership first (another user's chat is CHAT_NOT_FOUND whatever the limits), then the caller's limit. */
    @Override
    public UserQuotas.Permit watch(WatchChatQuery query) {
        authorize(query);
        return quotas.openStream(query.caller());
    }

    @Override
    public void authorize(WatchChatQuery query) {
        ChatAccess.ownedChat(conversations, query.chatId(), query.caller());
    }
}
