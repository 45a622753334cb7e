package dev.parley.domain.user;

import java.util.Objects;
import java.util.UUID;

/** Identity of a user (the caller of the API). */
public record UserId(UUID value) {
    public UserId {
        Objects.requireNonNull(value, "value");
    }

    public static UserId of(String text) {
        return new UserId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
