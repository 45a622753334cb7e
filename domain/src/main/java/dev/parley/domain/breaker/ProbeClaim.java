package dev.parley.domain.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer of {@link SharedBreakers#claimProbe}.
 *
 * @param outcome    claimed, taken by others, or nothing shared for the chat
 * @param generation the shared breaker's generation when {@link Outcome#TAKEN}; 0 otherwise
 * @param remaining  when {@link Outcome#TAKEN}: the shared open time left (zero while another
 *                   instance probes); zero otherwise
 */
public record ProbeClaim(Outcome outcome, long generation, Duration remaining) {

    /** What became of the claim. */
    public enum Outcome {
        /** This instance holds one of the cluster's probe permits. */
        CLAIMED,
        /** No permit: the shared breaker is still open, or other instances hold every permit. */
        TAKEN,
        /** The chat has no shared breaker (closed cluster-wide, or never shared): the local breaker decides. */
        NOT_SHARED
    }

    public static final ProbeClaim CLAIMED = new ProbeClaim(Outcome.CLAIMED, 0, Duration.ZERO);
    public static final ProbeClaim NOT_SHARED = new ProbeClaim(Outcome.NOT_SHARED, 0, Duration.ZERO);

    public ProbeClaim {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(remaining, "remaining");
        if (remaining.isNegative()) {
            throw new IllegalArgumentException("remaining must not be negative: " + remaining);
        }
    }

    /** Taken by others: the shared breaker of {@code generation} is open for {@code remaining} more (zero: probing). */
    public static ProbeClaim taken(long generation, Duration remaining) {
        return new ProbeClaim(Outcome.TAKEN, generation, remaining);
    }
}
