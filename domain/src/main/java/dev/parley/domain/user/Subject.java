package dev.parley.domain.user;

import java.util.Objects;

/**
 * Who a user is at the identity provider: the {@code sub} of their tokens, unique per provider and
 * stable for the user. 1 to {@value #MAX_LENGTH} characters, none of them a control character, and not
 * blank; anything else is not an identity this service can keep.
 */
public record Subject(String value) {
    public static final int MAX_LENGTH = 255;

    public Subject {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new IllegalArgumentException("a subject is 1-" + MAX_LENGTH
                    + " characters without control characters, not blank");
        }
    }

    /** Whether {@code value} can be a subject. */
    public static boolean isValid(String value) {
        return value != null && !value.isBlank() && value.length() <= MAX_LENGTH
                && value.codePoints().noneMatch(Character::isISOControl);
    }

    @Override
    public String toString() {
        return value;
    }
}
