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

    /**
     * The last event id a client saw: the {@code Last-Event-ID} header (an {@code EventSource} that
     * reconnects by itself sends it), else the {@code lastEventId} query parameter (a client that opens
     * a new stream with a fresh ticket); none when neither is given. A non-negative whole number, else
     * VALIDATION_FAILED naming the one that was given.
     */
    static java.util.OptionalLong lastEventId(String header, String query) {
        String field = header != null && !header.isBlank() ? "Last-Event-ID" : "lastEventId";
        String value = header != null && !header.isBlank() ? header : query;
        if (value == null || value.isBlank()) {
            return java.util.OptionalLong.empty();
        }
        String digits = value.strip();
        if (digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ValidationException(field, ValidationException.Reason.MALFORMED);
        }
        return java.util.OptionalLong.of(Long.parseLong(digits));
    }
}
