package dev.parley.domain.chat;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Turn#claimForRetry} decided: the turn may be generated again once the store applies
 * the claim, or it is still being answered, or it is already answered. Callers must handle all three.
 */
public sealed interface RetryClaim {
    /** Another generation may take the turn over once {@code transition} applies. */
    record Claimed(TurnTransition transition) implements RetryClaim {
        public Claimed {
            Objects.requireNonNull(transition, "transition");
        }
    }

    /** A live request is answering the turn. */
    record Busy(Turn turn) implements RetryClaim {
        public Busy {
            Objects.requireNonNull(turn, "turn");
        }
    }

    /**
     * The turn's reply is stored; there is nothing to generate. {@code repair} brings its status to
     * COMPLETED when the store shows it otherwise (the status write of the request that stored the
     * reply was lost).
     */
    record Answered(Turn turn, Optional<TurnTransition> repair) implements RetryClaim {
        public Answered {
            Objects.requireNonNull(turn, "turn");
            Objects.requireNonNull(repair, "repair");
        }
    }
}
