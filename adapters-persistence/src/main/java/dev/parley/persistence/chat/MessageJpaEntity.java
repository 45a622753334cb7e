package dev.parley.persistence.chat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.error.ErrorCode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@Entity(name = "MessageJpaEntity")
@Table(name = "messages")
class MessageJpaEntity {
    @Id
    UUID id;

    /** Insertion order, assigned by the database (identity column); used for ordering only. */
    @Column(insertable = false, updatable = false)
    Long seq;

    @Column(name = "chat_id", nullable = false)
    UUID chatId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    MessageRole role;

    @Column(nullable = false)
    String content;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    MessageStatus status;

    @Column(name = "idempotency_key")
    String idempotencyKey;

    @Column(name = "reply_to")
    UUID replyTo;

    @Enumerated(EnumType.STRING)
    @Column(name = "error_code")
    ErrorCode errorCode;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    protected MessageJpaEntity() {
    }

    Message toDomain() {
        return new Message(new MessageId(id), new ChatId(chatId), role, content, status,
                Optional.ofNullable(idempotencyKey), Optional.ofNullable(replyTo).map(MessageId::new),
                Optional.ofNullable(errorCode), createdAt);
    }
}
