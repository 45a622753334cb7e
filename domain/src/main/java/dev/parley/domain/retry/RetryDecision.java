package dev.parley.domain.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link RetryPolicy#decide} says after a failed attempt: either wait {@link #waitTime()} and
 * try again, or stop for {@link #stopReason()}.
 *
 * @param retry              whether to try again
 * @param waitTime           how long to wait before the next attempt; zero when stopping
 * @param stopReason         why to stop; {@code null} when retrying
 * @param honoursRetryAfter  whether the wait (or the failure) comes from an upstream retry-after hint
 */
public record RetryDecision(boolean retry, Duration waitTime, StopReason stopReason, boolean honoursRetryAfter) {

    public RetryDecision {
        Objects.requireNonNull(waitTime, "waitTime");
        if (waitTime.isNegative()) {
            throw new IllegalArgumentException("waitTime must not be negative: " + waitTime);
        }
        if (retry != (stopReason == null)) {
            throw new IllegalArgumentException("a decision either retries or has a stop reason");
        }
    }

    public static RetryDecision retryAfter(Duration wait, boolean honoursRetryAfter) {
        return new RetryDecision(true, wait, null, honoursRetryAfter);
    }

    public static RetryDecision stop(StopReason reason) {
        return new RetryDecision(false, Duration.ZERO, Objects.requireNonNull(reason, "reason"),
                reason == StopReason.RETRY_AFTER_BEYOND_DEADLINE);
    }
}
