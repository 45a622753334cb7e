package dev.parley.domain.error;

import java.util.Objects;

/**
 * A request that breaks an input rule: which field, which rule, and the limit where one applies.
 * It is always {@link ErrorCode#VALIDATION_FAILED}; adapters turn field + reason into a localized
 * message.
 */
public final class ValidationException extends ParleyException {
    private static final long serialVersionUID = 1L;

    /** The rule that was broken. */
    public enum Reason {
        /** The field is missing. */
        REQUIRED,
        /** The field is present but empty or only white space. */
        BLANK,
        /** The field is longer than {@link #limit()} characters. */
        TOO_LONG,
        /** The field is not of the expected form (e.g. not a UUID). */
        MALFORMED,
        /** The field names something that does not exist (e.g. an unknown persona). */
        UNKNOWN,
        /** A number outside its allowed range (0 .. {@link #limit()}). */
        OUT_OF_RANGE,
        /**
         * Text with characters nobody can read or store: NUL or another control character, or an
         * unpaired UTF-16 surrogate (dev.parley.domain.text.TextPolicy).
         */
        INVALID_CHARACTERS
    }

    private final String field;
    private final Reason reason;
    private final int limit;

    public ValidationException(String field, Reason reason) {
        this(field, reason, 0);
    }

    public ValidationException(String field, Reason reason, int limit) {
        super(ErrorCode.VALIDATION_FAILED, field + ": " + reason + (limit > 0 ? " (limit " + limit + ")" : ""));
        this.field = Objects.requireNonNull(field, "field");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.limit = limit;
    }

    public String field() {
        return field;
    }

    public Reason reason() {
        return reason;
    }

    /** The limit that was exceeded, or 0 when the reason has none. */
    public int limit() {
        return limit;
    }
}
