package dev.parley.rest.chat;

import dev.parley.domain.error.ValidationException;
import java.util.UUID;

/** Parses path and query parameters, refusing bad ones with a {@link ValidationException} naming them. */
final class Params {
    private Params() {
    }

    static UUID uuid(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(field, ValidationException.Reason.REQUIRED);
        }
        try {
            UUID parsed = UUID.fromString(value.strip());
            if (!parsed.toString().equalsIgnoreCase(value.strip())) {
                throw new IllegalArgumentException("not canonical");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new ValidationException(field, ValidationException.Reason.MALFORMED);
        }
    }

    static int integer(String value, String field, int defaultValue) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ValidationException(field, ValidationException.Reason.MALFORMED);
        }
    }
}
