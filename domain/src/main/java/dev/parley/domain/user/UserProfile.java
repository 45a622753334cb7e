package dev.parley.domain.user;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a new user starts with: a display name and a locale, taken from claims of their first token.
 * Claims come from outside and are treated as hostile: control and format characters are dropped,
 * whitespace is collapsed, the name is cut to {@value #MAX_NAME_LENGTH} characters (never inside a
 * surrogate pair), and a locale is kept only when it is a plain BCP 47 tag of at most
 * {@value #MAX_LOCALE_LENGTH} characters (language, optional region or script), else the default.
 */
public record UserProfile(String displayName, String locale) {
    public static final int MAX_NAME_LENGTH = 120;
    public static final int MAX_LOCALE_LENGTH = 8;
    public static final String DEFAULT_NAME = "Parley user";
    public static final String DEFAULT_LOCALE = "en";
    private static final Pattern LOCALE = Pattern.compile("([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|[0-9]{3}|[A-Za-z]{4}))?");

    public UserProfile {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(locale, "locale");
    }

    /** The profile of the claims {@code name}, {@code preferred_username} and {@code locale} (each may be absent). */
    public static UserProfile fromClaims(String name, String preferredUsername, String locale) {
        String displayName = clean(name).or(() -> clean(preferredUsername)).orElse(DEFAULT_NAME);
        return new UserProfile(displayName, locale(locale));
    }

    private static Optional<String> clean(String text) {
        if (text == null) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = out.length() > 0;
                continue;
            }
            if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE || type == Character.UNASSIGNED) {
                continue;
            }
            int needed = Character.charCount(cp) + (space ? 1 : 0);
            if (out.length() + needed > MAX_NAME_LENGTH) {
                break;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(cp);
        }
        return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
    }

    private static String locale(String tag) {
        if (tag == null || tag.length() > MAX_LOCALE_LENGTH) {
            return DEFAULT_LOCALE;
        }
        var match = LOCALE.matcher(tag.trim());
        if (!match.matches()) {
            return DEFAULT_LOCALE;
        }
        String language = match.group(1).toLowerCase(Locale.ROOT);
        String sub = match.group(2);
        if (sub == null) {
            return language;
        }
        String normalized = sub.length() == 4
                ? sub.substring(0, 1).toUpperCase(Locale.ROOT) + sub.substring(1).toLowerCase(Locale.ROOT)
                : sub.toUpperCase(Locale.ROOT);
        return language + "-" + normalized;
    }
}
