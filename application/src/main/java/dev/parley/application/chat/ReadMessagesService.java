package dev.parley.application.chat;

import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import java.util.List;
import java.util.Objects;

public final class ReadMessagesService implements ReadMessagesUseCase {
    private final Conversations conversations;

    public ReadMessagesService(Conversations conversations) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
    }

    @Override
    public List<Message> read(ReadMessagesQuery query) {
        ChatAccess.ownedChat(conversations, query.chatId(), query.caller());
        return conversations.messages(query.chatId(), query.offset(), query.limit());
    }
}
