package dev.parley.application.limit;

/**
 * What one user may do at once (docs/architecture.md#per-user-limits): at most {@code inFlight} turns
 * generating, {@code sendsPerMinute} sends admitted in any sliding minute, {@code eventStreams} open
 * event streams.
 */
public record UserLimits(int inFlight, int sendsPerMinute, int eventStreams) {
    /** The shipped defaults: 4 turns generating, 30 sends a minute, 10 event streams. */
    public static final UserLimits DEFAULTS = new UserLimits(4, 30, 10);

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
}
