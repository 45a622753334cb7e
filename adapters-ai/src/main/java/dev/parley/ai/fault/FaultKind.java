package dev.parley.ai.fault;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The faults {@code X-Debug-Force-Error} can ask for (docs/architecture.md#fault-injection), by their header names. The AI
 * decorator injects all but {@link #DATABASE}, which belongs to the persistence adapter and which the AI
 * decorator ignores. {@link #STREAM_CUT} fails a streamed attempt after some of the provider's pieces
 * (a stream cut mid-way), and a whole attempt at once.
 */
public enum FaultKind {
    TIMEOUT(ErrorCode.AI_PROVIDER_TIMEOUT, null),
    UNAVAILABLE(ErrorCode.AI_PROVIDER_UNAVAILABLE, null),
    RATE_LIMITED(ErrorCode.AI_RATE_LIMITED, Duration.ofSeconds(1)),
    BAD_RESPONSE(ErrorCode.AI_BAD_RESPONSE, null),
    STREAM_CUT(ErrorCode.AI_PROVIDER_UNAVAILABLE, null),
    DATABASE(ErrorCode.DATABASE_UNAVAILABLE, null);

    private final ErrorCode code;
    private final Duration retryAfter;

    FaultKind(ErrorCode code, Duration retryAfter) {
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** The kind named {@code name} in the header ({@code rate_limited}; case ignored). */
    public static Optional<FaultKind> byHeaderName(String name) {
        return Arrays.stream(values()).filter(k -> k.headerName().equalsIgnoreCase(name)).findFirst();
    }

    /** Every header name, for error messages: {@code timeout, unavailable, ...}. */
    public static String headerNames() {
        return Arrays.stream(values()).map(FaultKind::headerName).collect(Collectors.joining(", "));
    }

    /** The name used in the header and in telemetry: {@code rate_limited}. */
    public String headerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the AI adapter injects this kind. */
    public boolean isAiFault() {
        return this != DATABASE;
    }

    /** The code an injected fault of this kind fails with. */
    public ErrorCode code() {
        return code;
    }

    /** The failure an injected fault of this kind completes an attempt with ({@code rate_limited}: retry after 1 s). */
    public ParleyException failure(String source) {
        return new ParleyException(code, "debug fault injected (" + headerName() + ", " + source + ")", retryAfter);
    }
}
