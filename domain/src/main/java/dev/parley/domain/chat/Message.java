package dev.parley.domain.chat;

import dev.parley.domain.error.ErrorCode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a chat. A user message may carry the client's idempotency key; an assistant
 * message names the user message it answers ({@code replyTo}). A failed user message remembers the
 * code of its last failure.
 *
 * <p>Content is at most {@value #MAX_CONTENT_LENGTH} code points, whoever wrote it: a user's message
 * beyond it is refused, a provider's reply beyond it is cut ({@code GeneratedReply}). Rows stored
 * before the limit existed are not checked again here.
 */
public record Message(MessageId id, ChatId chatId, MessageRole role, String content, MessageStatus status,
        Optional<String> idempotencyKey, Optional<MessageId> replyTo, Optional<ErrorCode> errorCode,
        Instant createdAt) {
    /** The longest content of a message, user's or assistant's, in code points. */
    public static final int MAX_CONTENT_LENGTH = 4000;

    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(replyTo, "replyTo");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public static Message userMessage(MessageId id, ChatId chatId, String content, Optional<String> idempotencyKey,
            Instant createdAt) {
        return new Message(id, chatId, MessageRole.USER, content, MessageStatus.PENDING, idempotencyKey,
                Optional.empty(), Optional.empty(), createdAt);
    }

    public static Message assistantReply(MessageId id, Message userMessage, String content, Instant createdAt) {
        return new Message(id, userMessage.chatId(), MessageRole.ASSISTANT, content, MessageStatus.COMPLETED,
                Optional.empty(), Optional.of(userMessage.id()), Optional.empty(), createdAt);
    }

    /** This message with another status (and failure code, for {@link MessageStatus#FAILED}). */
    public Message withStatus(MessageStatus newStatus, Optional<ErrorCode> newErrorCode) {
        return new Message(id, chatId, role, content, newStatus, idempotencyKey, replyTo, newErrorCode, createdAt);
    }
}
