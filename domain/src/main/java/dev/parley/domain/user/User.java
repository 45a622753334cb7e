package dev.parley.domain.user;

import java.util.Objects;

/**
 * A user of the chat product as the core sees it: identity, display name, preferred locale
 * ({@code en} or {@code zh}) and current token balance (never negative).
 */
public record User(UserId id, String displayName, String locale, long tokenBalance) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(locale, "locale");
        if (tokenBalance < 0) {
            throw new IllegalArgumentException("tokenBalance must not be negative");
        }
    }
}
