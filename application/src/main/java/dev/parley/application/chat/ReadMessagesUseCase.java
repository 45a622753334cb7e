package dev.parley.application.chat;

import dev.parley.domain.chat.Message;
import java.util.List;

/** A page of a chat's messages, oldest first. */
public interface ReadMessagesUseCase {
    /** @throws dev.parley.domain.error.ParleyException CHAT_NOT_FOUND unless the caller owns the chat */
    List<Message> read(ReadMessagesQuery query);
}
