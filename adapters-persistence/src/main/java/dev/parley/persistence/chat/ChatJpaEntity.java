package dev.parley.persistence.chat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity(name = "ChatJpaEntity")
@Table(name = "chats")
class ChatJpaEntity {
    @Id
    UUID id;

    @Column(name = "user_id", nullable = false)
    UUID userId;

    @Column(name = "persona_id", nullable = false)
    UUID personaId;

    @Column(nullable = false)
    String title;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "last_activity_at", nullable = false)
    Instant lastActivityAt;

    protected ChatJpaEntity() {
    }

    static ChatJpaEntity from(Chat chat) {
        ChatJpaEntity e = new ChatJpaEntity();
        e.id = chat.id().value();
        e.userId = chat.ownerId().value();
        e.personaId = chat.personaId().value();
        e.title = chat.title();
        e.createdAt = chat.createdAt();
        e.lastActivityAt = chat.lastActivityAt();
        return e;
    }

    Chat toDomain() {
        return new Chat(new ChatId(id), new UserId(userId), new PersonaId(personaId), title, createdAt,
                lastActivityAt);
    }
}
