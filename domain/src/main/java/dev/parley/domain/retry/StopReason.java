package dev.parley.domain.retry;

/** Why a guarded request stopped trying. */
public enum StopReason {
    /** The last attempt succeeded. */
    SUCCEEDED,
    /** The failure's code is not retryable. */
    NOT_RETRYABLE,
    /** {@link RetryPolicy#maxAttempts()} attempts were made. */
    ATTEMPTS_EXHAUSTED,
    /** The next attempt could not start before the request's deadline. */
    DEADLINE_REACHED,
    /** The upstream asked to wait longer than the deadline allows: fail fast with its hint. */
    RETRY_AFTER_BEYOND_DEADLINE,
    /** The chat's circuit breaker is open (or opened during the request). */
    CIRCUIT_OPEN,
    /** A retry was due but the provider-wide {@link RetryBudget} had none left. */
    RETRY_BUDGET_EXHAUSTED
}
