package dev.parley.domain.text;

/**
 * What text Parley accepts from users, checked before it is stored: PostgreSQL cannot store NUL,
 * unpaired UTF-16 surrogates cannot be encoded as UTF-8, and other control characters only hide
 * text from people (and from moderation). Stateless and thread-safe; code points, not chars.
 */
public final class TextPolicy {
    /** Whether line breaks and tabs are part of the text (message content) or not (titles). */
    public enum Lines {
        /** Tab, CR and LF are allowed; every other control character is not. */
        MULTI_LINE,
        /** No control character at all. */
        SINGLE_LINE
    }

    private TextPolicy() {
    }

    /**
     * Whether {@code text} has no NUL or other C0/C1 control character (U+0000–U+001F, U+007F–U+009F;
     * tab, CR and LF excepted for {@link Lines#MULTI_LINE}) and no unpaired surrogate.
     */
    public static boolean isClean(String text, Lines lines) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
            if (Character.isLowSurrogate(c) || isForbiddenControl(c, lines)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code text} made clean by dropping what {@link #isClean} refuses: forbidden control characters
     * and unpaired surrogates. For text Parley did not write and cannot refuse to the user, such as a
     * provider's reply; the same text when it is already clean.
     */
    public static String cleaned(String text, Lines lines) {
        if (isClean(text, lines)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (!Character.isSurrogate(c) && !isForbiddenControl(c, lines)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether {@code value} is {@code min}–{@code max} printable ASCII characters (U+0020–U+007E). */
    public static boolean isPrintableAscii(String value, int min, int max) {
        if (value.length() < min || value.length() > max) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * The text without format characters (Unicode category Cf: zero-width space and joiners, the
     * BOM, bidirectional marks, soft hyphens, ...), which are invisible and can split a word for a
     * matcher without changing what a reader sees.
     */
    public static String withoutFormatCharacters(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (Character.getType(cp) == Character.FORMAT) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
            } else if (out != null) {
                out.append(text, i, next);
            }
            i = next;
        }
        return out == null ? text : out.toString();
    }

    private static boolean isForbiddenControl(char c, Lines lines) {
        boolean control = c <= 0x1F || (c >= 0x7F && c <= 0x9F);
        if (!control) {
            return false;
        }
        return lines == Lines.SINGLE_LINE || (c != '\t' && c != '\n' && c != '\r');
    }
}
