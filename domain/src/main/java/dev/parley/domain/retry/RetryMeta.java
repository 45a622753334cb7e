package dev.parley.domain.retry;

import dev.parley.domain.breaker.BreakerState;
import java.util.List;
import java.util.Objects;

/**
 * What a guarded request did, as reported to clients ({@code retryMeta}; docs/architecture.md#the-turn-flow).
 * Immutable; it stores only what was observed, and derives the rest ({@link #retries()}).
 *
 * @param attempts        attempts actually made (0 when the breaker refused the first one)
 * @param backoffMs       each wait taken before a further attempt, in milliseconds, in order (may hold
 *                        one more entry than {@link #retries()} when the breaker refused after a wait)
 * @param totalDurationMs whole time of the request, in milliseconds
 * @param breakerState    the kind of state the chat's breaker was in when the request ended
 */
public record RetryMeta(int attempts, List<Long> backoffMs, long totalDurationMs, BreakerState.Kind breakerState) {

    public RetryMeta {
        backoffMs = List.copyOf(Objects.requireNonNull(backoffMs, "backoffMs"));
        Objects.requireNonNull(breakerState, "breakerState");
        if (attempts < 0 || totalDurationMs < 0) {
            throw new IllegalArgumentException("attempts and totalDurationMs must not be negative");
        }
        if (backoffMs.stream().anyMatch(ms -> ms < 0)) {
            throw new IllegalArgumentException("backoffMs must not be negative: " + backoffMs);
        }
    }

    /** A request that made no attempt (e.g. a replayed turn), with the chat's breaker in {@code breakerState}. */
    public static RetryMeta noAttempt(BreakerState.Kind breakerState) {
        return new RetryMeta(0, List.of(), 0, breakerState);
    }

    /** Attempts after the first: {@code max(0, attempts - 1)}. */
    public int retries() {
        return Math.max(0, attempts - 1);
    }
}
