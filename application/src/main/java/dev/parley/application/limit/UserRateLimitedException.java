package dev.parley.application.limit;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.util.Objects;

/** USER_RATE_LIMITED: the caller reached {@code limit} ({@code max}); admitted again after {@code retryAfter}. */
public final class UserRateLimitedException extends ParleyException {
    private static final long serialVersionUID = 1L;

    /** Which limit refused the request; {@link #setting()} names it as configured. */
    public enum Limit {
        IN_FLIGHT("in-flight"), SENDS_PER_MINUTE("sends-per-minute"), EVENT_STREAMS("event-streams");

        private final String setting;

        Limit(String setting) {
            this.setting = setting;
        }

        /** The kebab-case name, as in {@code parley.limits.user.<setting>}. */
        public String setting() {
            return setting;
        }
    }

    private final Limit limit;
    private final int max;

    public UserRateLimitedException(Limit limit, int max, Duration retryAfter) {
        super(ErrorCode.USER_RATE_LIMITED, "user limit reached: " + Objects.requireNonNull(limit, "limit").setting()
                + " = " + max, Objects.requireNonNull(retryAfter, "retryAfter"));
        this.limit = limit;
        this.max = max;
    }

    public Limit limit() {
        return limit;
    }

    public int max() {
        return max;
    }
}
