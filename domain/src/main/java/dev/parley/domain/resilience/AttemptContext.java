package dev.parley.domain.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * What one attempt knows about itself.
 *
 * @param attempt   1-based number of this attempt within the request
 * @param remaining time left until the request's deadline; an attempt should time out within it
 *                  (the executor cuts it off at the deadline anyway)
 * @param probe     whether this attempt is a half-open probe of the chat's breaker
 */
public record AttemptContext(int attempt, Duration remaining, boolean probe) {
    public AttemptContext {
        Objects.requireNonNull(remaining, "remaining");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
        }
    }
}
