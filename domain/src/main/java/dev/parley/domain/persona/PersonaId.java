package dev.parley.domain.persona;

import java.util.Objects;
import java.util.UUID;

/** Identity of a persona the user can chat with. */
public record PersonaId(UUID value) {
    public PersonaId {
        Objects.requireNonNull(value, "value");
    }

    public static PersonaId of(String text) {
        return new PersonaId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
