package dev.parley.rest.problem;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One RFC 9457 problem: the code (also the kebab-case {@code type}), the HTTP status, whether the
 * client may retry and after how long, the localized detail and extension members such as
 * {@code chatId} and {@code userMessageId}.
 */
public record Problem(String code, int status, boolean retryable, Duration retryAfter, String detail,
        Map<String, Object> extensions) {
    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
        extensions = Map.copyOf(extensions);
    }

    public Problem(String code, int status, boolean retryable, Duration retryAfter, String detail) {
        this(code, status, retryable, retryAfter, detail, Map.of());
    }

    public Problem with(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(name, value);
        return new Problem(code, status, retryable, retryAfter, detail, more);
    }

    /** Whole seconds to wait, rounded up (a remaining 1.2 s becomes 2), or -1 when there is no hint. */
    public long retryAfterSeconds() {
        if (retryAfter == null) {
            return -1;
        }
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
