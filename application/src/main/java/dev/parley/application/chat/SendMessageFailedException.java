package dev.parley.application.chat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ParleyException;
import java.util.Objects;

/**
 * A turn that could not be completed after its user message was stored: the message is kept (marked
 * failed) and nothing was charged. Carries the ids a client needs to retry.
 */
public final class SendMessageFailedException extends ParleyException {
    private static final long serialVersionUID = 1L;

    private final ChatId chatId;
    private final MessageId userMessageId;

    public SendMessageFailedException(ParleyException cause, ChatId chatId, MessageId userMessageId) {
        super(cause.code(), cause.getMessage(), cause.retryAfter().orElse(null), cause);
        this.chatId = Objects.requireNonNull(chatId, "chatId");
        this.userMessageId = Objects.requireNonNull(userMessageId, "userMessageId");
    }

    public ChatId chatId() {
        return chatId;
    }

    public MessageId userMessageId() {
        return userMessageId;
    }
}
