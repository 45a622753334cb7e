package dev.parley.domain.chat;

import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import java.time.Instant;
import java.util.Objects;

/** A conversation of one user with one persona. */
public record Chat(ChatId id, UserId ownerId, PersonaId personaId, String title, Instant createdAt,
        Instant lastActivityAt) {
    public Chat {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(personaId, "personaId");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
    }

    public boolean isOwnedBy(UserId userId) {
        return ownerId.equals(userId);
    }
}
