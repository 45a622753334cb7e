package dev.parley.domain.error;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure the core reports to its callers: an {@link ErrorCode}, a developer-facing message (never
 * shown to clients, never containing user content), and optionally how long a client should wait
 * before trying again.
 *
 * <p>Adapters translate their technology's exceptions into this type at the port boundary, so the
 * core and the REST adapter only ever reason about codes.
 */
public class ParleyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Duration retryAfter;

    public ParleyException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ParleyException(ErrorCode code, String message, Duration retryAfter) {
        this(code, message, retryAfter, null);
    }

    public ParleyException(ErrorCode code, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** How long the caller should wait before retrying, when the failure knows it. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
