package dev.parley.domain.persona;

import java.util.Objects;

/**
 * A character the user chats with. The system prompt steers the AI provider and is never shown to
 * clients.
 */
public record Persona(PersonaId id, String name, String description, String systemPrompt) {
    public Persona {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
    }
}
