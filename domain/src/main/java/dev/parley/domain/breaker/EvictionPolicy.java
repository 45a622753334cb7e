package dev.parley.domain.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link ChatBreakerRegistry} forgets CLOSED breakers that still remember some failures.
 * OPEN and HALF_OPEN breakers are never forgotten, whatever this says.
 *
 * @param idleAfter  a CLOSED breaker with no new failure for this long is dropped (its count is lost);
 *                   strictly positive
 * @param maxTracked soft bound on tracked breakers: above it, the least recently failed CLOSED
 *                   breakers are dropped until 90 % of it is left; at least 1
 */
public record EvictionPolicy(Duration idleAfter, int maxTracked) {

    /** Ten minutes idle, 100 000 tracked chats. */
    public static final EvictionPolicy DEFAULTS = new EvictionPolicy(Duration.ofMinutes(10), 100_000);

    public EvictionPolicy {
        Objects.requireNonNull(idleAfter, "idleAfter");
        if (idleAfter.isZero() || idleAfter.isNegative()) {
            throw new IllegalArgumentException("idleAfter must be positive: " + idleAfter);
        }
        if (maxTracked < 1) {
            throw new IllegalArgumentException("maxTracked must be at least 1: " + maxTracked);
        }
    }
}
