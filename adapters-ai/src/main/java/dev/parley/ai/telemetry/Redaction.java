package dev.parley.ai.telemetry;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Scrubs free text that must be logged (an upstream error message, say) of what may never reach a
 * log (docs/architecture.md#telemetry): e-mail addresses, phone numbers, and key-like strings — {@code sk-...} API keys,
 * {@code Bearer} tokens, {@code api_key=...} pairs, long hex and base64 tokens. The result is cut
 * to {@link #MAX_LENGTH} characters. It is a safety net, not a licence: never log user content on
 * the hope that it will be scrubbed.
 *
 * <p>Stateless and thread-safe.
 */
public final class Redaction {
    /** The longest text {@link #scrub(String)} returns (plus an ellipsis). */
    public static final int MAX_LENGTH = 300;

    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)\\b(api[_-]?key|access[_-]?token|token|secret|password|passwd|authorization)(\"?\\s*[:=]\\s*\"?)[^\\s\",;]+");
    private static final Pattern PREFIXED_KEY = Pattern.compile("\\b(?:sk|pk|rk|ak)-[A-Za-z0-9_-]{6,}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern HEX = Pattern.compile("\\b[0-9a-fA-F]{32,}\\b");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{24,}={0,2}");
    private static final Pattern PHONE = Pattern.compile("\\+?\\(?\\d[\\d\\s().-]{6,}\\d");

    private Redaction() {
    }

    /** {@code text} without personal data and secrets; {@code null} stays {@code null}. */
    public static String scrub(String text) {
        return scrub(text, List.of());
    }

    /**
     * {@code text} without personal data, secrets, and without any of the {@code known} strings (the
     * API key, the contents of the messages just sent: whatever the caller knows must not leak if the
     * other side echoes it). Known strings shorter than 4 characters are left alone.
     */
    public static String scrub(String text, Collection<String> known) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : known) {
            if (secret != null && secret.strip().length() >= 4) {
                result = result.replace(secret.strip(), "[redacted]");
            }
        }
        result = BEARER.matcher(result).replaceAll("Bearer [redacted]");
        result = SECRET_PAIR.matcher(result).replaceAll("$1$2[redacted]");
        result = PREFIXED_KEY.matcher(result).replaceAll("[key]");
        result = EMAIL.matcher(result).replaceAll("[email]");
        result = HEX.matcher(result).replaceAll("[token]");
        result = replace(BASE64, result, m -> looksLikeToken(m.group()) ? "[token]" : m.group());
        result = replace(PHONE, result, m -> digits(m.group()) >= 8 ? "[phone]" : m.group());
        result = result.replaceAll("[\\r\\n\\t]+", " ");
        if (result.length() > MAX_LENGTH) {
            result = result.substring(0, MAX_LENGTH) + "…";
        }
        return result;
    }

    private static String replace(Pattern pattern, String text, Function<MatchResult, String> replacement) {
        return pattern.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(replacement.apply(m)));
    }

    /** A long run of word characters is a token when it mixes digits and letters (plain words do not). */
    private static boolean looksLikeToken(String run) {
        return run.chars().anyMatch(Character::isDigit) && run.chars().anyMatch(Character::isLetter);
    }

    private static long digits(String text) {
        return text.chars().filter(Character::isDigit).count();
    }
}
