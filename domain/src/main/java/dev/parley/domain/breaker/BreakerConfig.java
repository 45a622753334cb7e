package dev.parley.domain.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a chat's circuit breaker behaves (docs/architecture.md#circuit-breaker, configuration keys {@code parley.breaker.*}).
 *
 * @param failureThreshold consecutive counted failures that open a CLOSED breaker; at least 1
 * @param openDuration     how long an OPEN breaker refuses calls before it lets probes through;
 *                         strictly positive
 * @param halfOpenPermits  probes a HALF_OPEN breaker lets through at the same time; at least 1
 */
public record BreakerConfig(int failureThreshold, Duration openDuration, int halfOpenPermits) {

    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_HALF_OPEN_PERMITS = 1;

    /** 5 consecutive failures, 30 s open, 1 probe. */
    public static final BreakerConfig DEFAULTS =
            new BreakerConfig(DEFAULT_FAILURE_THRESHOLD, DEFAULT_OPEN_DURATION, DEFAULT_HALF_OPEN_PERMITS);

    public BreakerConfig {
        Objects.requireNonNull(openDuration, "openDuration");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1: " + failureThreshold);
        }
        if (openDuration.isZero() || openDuration.isNegative()) {
            throw new IllegalArgumentException("openDuration must be positive: " + openDuration);
        }
        if (halfOpenPermits < 1) {
            throw new IllegalArgumentException("halfOpenPermits must be at least 1: " + halfOpenPermits);
        }
    }

    public static BreakerConfig defaults() {
        return DEFAULTS;
    }

    public BreakerConfig withFailureThreshold(int threshold) {
        return new BreakerConfig(threshold, openDuration, halfOpenPermits);
    }

    public BreakerConfig withOpenDuration(Duration duration) {
        return new BreakerConfig(failureThreshold, duration, halfOpenPermits);
    }

    public BreakerConfig withHalfOpenPermits(int permits) {
        return new BreakerConfig(failureThreshold, openDuration, permits);
    }
}
