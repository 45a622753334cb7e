package dev.parley.domain.chat;

import java.util.Objects;

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

    /** The turn is completed; there is nothing to retry. */
    record Answered(Turn turn) implements RetryClaim {
        public Answered {
            Objects.requireNonNull(turn, "turn");
        }
    }
}
