package dev.parley.domain.breaker;

import dev.parley.domain.breaker.BreakerState.Closed;
import dev.parley.domain.breaker.BreakerState.HalfOpen;
import dev.parley.domain.breaker.BreakerState.Open;
import java.time.Instant;
import java.util.Objects;

/**
 * The breaker's state machine as a pure function {@code (state, event, now) -> state}: no clock,
 * no side effects, safe to call any number of times from any thread.
 *
 * <p>When an event leaves the state unchanged the very same instance is returned, so callers can
 * tell "nothing happened" by identity. Events that make no sense in a state are ignored in a
 * defined way (same instance back):
 * <ul>
 *   <li>CLOSED: a permission request passes; a success resets the count; a counted failure adds
 *       one and opens at the threshold; a permit release is ignored (there are no permits).</li>
 *   <li>OPEN: a permission request half-opens once {@code openUntil} is reached, otherwise it is
 *       refused; successes and failures of calls admitted earlier are ignored (OPEN never goes to
 *       CLOSED directly, and late failures do not prolong the open period); releases are ignored.</li>
 *   <li>HALF_OPEN: a permission request takes a permit while one is left (never below zero); a
 *       success closes; a counted failure re-opens for a full open duration; a release gives a
 *       permit back, never above {@link BreakerConfig#halfOpenPermits()}.</li>
 * </ul>
 * The only kind changes produced are those allowed by {@link BreakerState.Kind#canTransitionTo}.
 */
public final class BreakerTransitions {

    private final BreakerConfig config;

    public BreakerTransitions(BreakerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public BreakerConfig config() {
        return config;
    }

    /** The state after {@code event} happened to a breaker in {@code state} at {@code now}. */
    public BreakerState next(BreakerState state, BreakerEvent event, Instant now) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(now, "now");
        if (state instanceof Closed closed) {
            return fromClosed(closed, event, now);
        }
        if (state instanceof Open open) {
            return fromOpen(open, event, now);
        }
        return fromHalfOpen((HalfOpen) Objects.requireNonNull(state, "state"), event, now);
    }

    /** The OPEN state a breaker enters at {@code now}. */
    public Open openAt(Instant now) {
        return new Open(now, now.plus(config.openDuration()));
    }

    private BreakerState fromClosed(Closed closed, BreakerEvent event, Instant now) {
        return switch (event) {
            case PERMISSION_REQUESTED, PERMIT_RELEASED -> closed;
            case SUCCESS -> closed.healthy() ? closed : Closed.HEALTHY;
            case COUNTED_FAILURE -> closed.consecutiveFailures() + 1 >= config.failureThreshold()
                    ? openAt(now)
                    : new Closed(closed.consecutiveFailures() + 1);
        };
    }

    private BreakerState fromOpen(Open open, BreakerEvent event, Instant now) {
        if (event == BreakerEvent.PERMISSION_REQUESTED && open.elapsed(now)) {
            return new HalfOpen(config.halfOpenPermits() - 1);
        }
        return open;
    }

    private BreakerState fromHalfOpen(HalfOpen halfOpen, BreakerEvent event, Instant now) {
        int permits = halfOpen.permitsLeft();
        return switch (event) {
            case PERMISSION_REQUESTED -> permits > 0 ? new HalfOpen(permits - 1) : halfOpen;
            case SUCCESS -> Closed.HEALTHY;
            case COUNTED_FAILURE -> openAt(now);
            case PERMIT_RELEASED -> permits < config.halfOpenPermits() ? new HalfOpen(permits + 1) : halfOpen;
        };
    }
}
