package dev.parley.domain.chat;

import dev.parley.domain.error.ErrorCode;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Test-data builder for turns: {@code Turns.pending().touchedAt(t).build()}. */
final class Turns {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final ChatId CHAT = new ChatId(UUID.fromString("00000000-0000-0000-0000-00000000c4a7"));

    private MessageStatus status = MessageStatus.PENDING;
    private String content = "hello";
    private Instant updatedAt = T0;

    static Turns pending() {
        return new Turns();
    }

    static Turns failed() {
        Turns t = new Turns();
        t.status = MessageStatus.FAILED;
        return t;
    }

    static Turns completed() {
        Turns t = new Turns();
        t.status = MessageStatus.COMPLETED;
        return t;
    }

    Turns touchedAt(Instant at) {
        this.updatedAt = at;
        return this;
    }

    Turns saying(String text) {
        this.content = text;
        return this;
    }

    static Message userMessage(String content) {
        return Message.userMessage(new MessageId(UUID.nameUUIDFromBytes(content.getBytes())), CHAT, content,
                Optional.of("key"), T0);
    }

    static Message replyTo(Message userMessage, Instant at) {
        return Message.assistantReply(new MessageId(UUID.randomUUID()), userMessage, "re: " + userMessage.content(),
                at);
    }

    Turn build() {
        Message user = userMessage(content);
        return switch (status) {
            case PENDING -> new Turn(user, updatedAt, Optional.empty());
            case FAILED -> new Turn(user.withStatus(MessageStatus.FAILED, Optional.of(ErrorCode.AI_PROVIDER_TIMEOUT)),
                    updatedAt, Optional.empty());
            case COMPLETED -> new Turn(user.withStatus(MessageStatus.COMPLETED, Optional.empty()), updatedAt,
                    Optional.of(replyTo(user, updatedAt)));
        };
    }
}
