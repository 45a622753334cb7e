package dev.parley.domain.retry;

import java.util.List;
import java.util.Objects;

/**
 * What a guarded request did, as reported to clients ({@code retryMeta}; docs/architecture.md#the-turn-flow).
 *
 * @param attempts        attempts actually made (0 when the breaker refused the first one)
 * @param retries         attempts after the first: {@code max(0, attempts - 1)}
 * @param backoffMs       each wait taken before a further attempt, in milliseconds, in order (may hold
 *                        one more entry than {@code retries} when the breaker refused after a wait)
 * @param totalDurationMs whole time of the request, in milliseconds
 * @param breakerState    the chat's breaker state when the request ended: CLOSED, OPEN or HALF_OPEN
 */
public record RetryMeta(int attempts, int retries, List<Long> backoffMs, long totalDurationMs, String breakerState) {

    public RetryMeta {
        backoffMs = List.copyOf(Objects.requireNonNull(backoffMs, "backoffMs"));
        Objects.requireNonNull(breakerState, "breakerState");
        if (attempts < 0 || retries < 0 || totalDurationMs < 0) {
            throw new IllegalArgumentException("attempts, retries and totalDurationMs must not be negative");
        }
        if (retries != Math.max(0, attempts - 1)) {
            throw new IllegalArgumentException("retries must be attempts - 1: " + attempts + "/" + retries);
        }
        if (backoffMs.stream().anyMatch(ms -> ms < 0)) {
            throw new IllegalArgumentException("backoffMs must not be negative: " + backoffMs);
        }
    }
}
