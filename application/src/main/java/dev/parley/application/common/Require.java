package dev.parley.application.common;

import dev.parley.domain.error.ValidationException;
import dev.parley.domain.error.ValidationException.Reason;

/** Input checks shared by the commands: each throws a {@link ValidationException} naming the field. */
public final class Require {
    private Require() {
    }

    public static <T> T present(T value, String field) {
        if (value == null) {
            throw new ValidationException(field, Reason.REQUIRED);
        }
        return value;
    }

    /** The text, which must be present, not blank and at most {@code maxLength} characters. */
    public static String text(String value, String field, int maxLength) {
        present(value, field);
        if (value.isBlank()) {
            throw new ValidationException(field, Reason.BLANK);
        }
        if (value.codePointCount(0, value.length()) > maxLength) {
            throw new ValidationException(field, Reason.TOO_LONG, maxLength);
        }
        return value;
    }

    public static int range(int value, String field, int min, int max) {
        if (value < min || value > max) {
            throw new ValidationException(field, Reason.OUT_OF_RANGE, max);
        }
        return value;
    }
}
