package dev.parley.application.limit;

import dev.parley.application.limit.UserRateLimitedException.Limit;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one user may do at once (docs/architecture.md#per-user-limits): at most {@code inFlight} turns
 * generating, {@code sendsPerMinute} sends admitted in any sliding minute, {@code eventStreams} open
 * event streams.
 */
public record UserLimits(int inFlight, int sendsPerMinute, int eventStreams) {
    /** The shipped defaults: 4 turns generating, 30 sends a minute, 10 event streams. */
    public static final UserLimits DEFAULTS = new UserLimits(4, 30, 10);

    /** The sliding window of {@code sendsPerMinute}. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** The wait suggested to a user with as many turns generating as allowed. */
    public static final Duration IN_FLIGHT_RETRY_AFTER = Duration.ofSeconds(2);

    public UserLimits {
        atLeastOne(inFlight, "inFlight");
        atLeastOne(sendsPerMinute, "sendsPerMinute");
        atLeastOne(eventStreams, "eventStreams");
    }

    private static void atLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
    }

    /**
     * Whether a send is refused, given what the user is doing at {@code now}: with {@code generating}
     * turns generating, refused at {@code inFlight} with a wait of {@link #IN_FLIGHT_RETRY_AFTER} (a
     * turn's end cannot be foreseen); with {@code sendsInWindow} sends in the last {@link #WINDOW},
     * the oldest at {@code oldestInWindow}, refused at {@code sendsPerMinute} with the exact time until
     * the oldest leaves the window. When both refuse, the longer wait is reported.
     */
    public Optional<UserRateLimitedException> refuseSend(int generating, int sendsInWindow,
            Optional<Instant> oldestInWindow, Instant now) {
        Objects.requireNonNull(now, "now");
        UserRateLimitedException refusal = null;
        if (generating >= inFlight) {
            refusal = new UserRateLimitedException(Limit.IN_FLIGHT, inFlight, IN_FLIGHT_RETRY_AFTER);
        }
        if (sendsInWindow >= sendsPerMinute) {
            Instant oldest = oldestInWindow.orElseThrow(() -> new IllegalArgumentException("sends without the oldest"));
            Duration wait = Duration.between(now, oldest.plus(WINDOW));
            if (wait.isNegative()) {
                wait = Duration.ZERO;
            }
            if (refusal == null || wait.compareTo(refusal.retryAfter().orElseThrow()) > 0) {
                refusal = new UserRateLimitedException(Limit.SENDS_PER_MINUTE, sendsPerMinute, wait);
            }
        }
        return Optional.ofNullable(refusal);
    }
}
