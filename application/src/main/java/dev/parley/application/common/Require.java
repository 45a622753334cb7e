package dev.parley.application.common;

import dev.parley.domain.error.ValidationException;
import dev.parley.domain.error.ValidationException.Reason;
import dev.parley.domain.text.TextPolicy;

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

    /**
     * Clean text ({@link TextPolicy#isClean}): present, not blank, at most {@code maxLength} code
     * points, and free of control characters (tab, CR and LF allowed for multi-line text) and unpaired
     * surrogates.
     */
    public static String cleanText(String value, String field, int maxLength, TextPolicy.Lines lines) {
        text(value, field, maxLength);
        if (!TextPolicy.isClean(value, lines)) {
            throw new ValidationException(field, Reason.INVALID_CHARACTERS);
        }
        return value;
    }

    /** A key of {@code 1..maxLength} printable ASCII characters (U+0020–U+007E). */
    public static String printableAscii(String value, String field, int maxLength) {
        present(value, field);
        if (value.isEmpty()) {
            throw new ValidationException(field, Reason.BLANK);
        }
        if (value.length() > maxLength) {
            throw new ValidationException(field, Reason.TOO_LONG, maxLength);
        }
        if (!TextPolicy.isPrintableAscii(value, 1, maxLength)) {
            throw new ValidationException(field, Reason.MALFORMED);
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
