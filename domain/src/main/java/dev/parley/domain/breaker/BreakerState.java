package dev.parley.domain.breaker;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The state of one chat's circuit breaker: an immutable value, one of {@link Closed}, {@link Open}
 * or {@link HalfOpen}. States never change; a breaker moves from one state value to the next
 * through {@link BreakerTransitions}.
 */
public sealed interface BreakerState permits BreakerState.Closed, BreakerState.Open, BreakerState.HalfOpen {

    /** The three kinds of state and the only moves between kinds that are legal. */
    enum Kind {
        CLOSED, OPEN, HALF_OPEN;

        /**
         * Whether a breaker may move from this kind to {@code to}: CLOSED→OPEN, OPEN→HALF_OPEN,
         * HALF_OPEN→CLOSED and HALF_OPEN→OPEN. Everything else, notably OPEN→CLOSED and
         * CLOSED→HALF_OPEN, is illegal; staying in the same kind is not a transition.
         */
        public boolean canTransitionTo(Kind to) {
            return switch (this) {
                case CLOSED -> to == OPEN;
                case OPEN -> to == HALF_OPEN;
                case HALF_OPEN -> to == CLOSED || to == OPEN;
            };
        }
    }

    Kind kind();

    /**
     * Calls pass; {@code consecutiveFailures} counted failures since the last success (never negative).
     * A closed state with zero failures is a healthy chat: equivalent to having no breaker at all.
     */
    record Closed(int consecutiveFailures) implements BreakerState {
        /** The shared healthy state. */
        public static final Closed HEALTHY = new Closed(0);

        public Closed {
            if (consecutiveFailures < 0) {
                throw new IllegalArgumentException("consecutiveFailures must not be negative: " + consecutiveFailures);
            }
        }

        public boolean healthy() {
            return consecutiveFailures == 0;
        }

        @Override
        public Kind kind() {
            return Kind.CLOSED;
        }
    }

    /** Calls are refused from {@code openedAt} until {@code openUntil} (exclusive). */
    record Open(Instant openedAt, Instant openUntil) implements BreakerState {
        public Open {
            Objects.requireNonNull(openedAt, "openedAt");
            Objects.requireNonNull(openUntil, "openUntil");
            if (openUntil.isBefore(openedAt)) {
                throw new IllegalArgumentException("openUntil " + openUntil + " is before openedAt " + openedAt);
            }
        }

        /** Exact time left until a probe may pass at {@code now}; zero once it has passed, never negative. */
        public Duration remaining(Instant now) {
            return now.isBefore(openUntil) ? Duration.between(now, openUntil) : Duration.ZERO;
        }

        /** Whether the open period is over at {@code now} (the next permission check half-opens). */
        public boolean elapsed(Instant now) {
            return !now.isBefore(openUntil);
        }

        @Override
        public Kind kind() {
            return Kind.OPEN;
        }
    }

    /** Probing: {@code permitsLeft} more probes may pass (never negative). */
    record HalfOpen(int permitsLeft) implements BreakerState {
        public HalfOpen {
            if (permitsLeft < 0) {
                throw new IllegalArgumentException("permitsLeft must not be negative: " + permitsLeft);
            }
        }

        @Override
        public Kind kind() {
            return Kind.HALF_OPEN;
        }
    }
}
