package dev.parley.domain.error;

/**
 * The error taxonomy of Parley (docs/architecture.md#error-catalogue). Every failure a client can see carries exactly one of
 * these codes. A code knows two things about itself: whether the same request may succeed if it
 * is tried again ({@link #retryable()}), and whether a generation attempt that ended with it counts
 * as a failure of the chat's circuit breaker ({@link #countsAgainstBreaker()}).
 *
 * <p>Transport concerns (HTTP statuses, headers) are deliberately absent: the REST adapter alone
 * maps a code to a status.
 */
public enum ErrorCode {
    VALIDATION_FAILED(false, false),
    UNAUTHENTICATED(false, false),
    INSUFFICIENT_TOKENS(false, false),
    CHAT_NOT_FOUND(false, false),
    REQUEST_IN_PROGRESS(true, false),
    IDEMPOTENCY_KEY_REUSED(false, false),
    MODERATION_BLOCKED(false, false),
    AI_RATE_LIMITED(true, true),
    /** The caller reached one of its own limits (turns generating, sends per minute, event streams). */
    USER_RATE_LIMITED(true, false),
    AI_BAD_RESPONSE(true, true),
    AI_PROVIDER_UNAVAILABLE(true, true),
    /** The chat's breaker is open; it is neither a new failure nor a success of the provider. */
    CIRCUIT_OPEN(true, false),
    DATABASE_UNAVAILABLE(true, false),
    AI_PROVIDER_TIMEOUT(true, true),
    INTERNAL_ERROR(false, false);

    private final boolean retryable;
    private final boolean countsAgainstBreaker;

    ErrorCode(boolean retryable, boolean countsAgainstBreaker) {
        this.retryable = retryable;
        this.countsAgainstBreaker = countsAgainstBreaker;
    }

    /** Whether trying the same request again may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** Whether a generation attempt that failed with this code is a failure for the chat's breaker. */
    public boolean countsAgainstBreaker() {
        return countsAgainstBreaker;
    }

    /** The stable kebab-case slug used in problem type URIs, e.g. {@code chat-not-found}. */
    public String slug() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
