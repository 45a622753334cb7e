package dev.parley.domain.chat;

import static dev.parley.domain.chat.Turns.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.error.ErrorCode;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transition table, exhaustively: every (from, to) either is legal or cannot be built. */
class TurnTransitionTest {
    private static final Set<String> LEGAL = Set.of("PENDING->COMPLETED", "FAILED->COMPLETED", "PENDING->FAILED",
            "FAILED->PENDING", "PENDING->PENDING");

    @Test
    void onlyTheLegalMovesCanBeBuilt() {
        for (MessageStatus from : MessageStatus.values()) {
            for (MessageStatus to : MessageStatus.values()) {
                String move = from + "->" + to;
                Turn result = wellFormed(to);
                if (LEGAL.contains(move)) {
                    assertThat(new TurnTransition(from, T0, result).newStatus()).as(move).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> new TurnTransition(from, T0, result)).as(move)
                            .isInstanceOf(IllegalArgumentException.class);
                }
            }
        }
    }

    @Test
    void aCompletionNeedsTheReplyAndAFailureItsCode() {
        Message user = Turns.userMessage("q");
        Turn completedWithoutReply = new Turn(user.withStatus(MessageStatus.COMPLETED, Optional.empty()),
                T0, Optional.empty());
        Turn failedWithoutCode = new Turn(user.withStatus(MessageStatus.FAILED, Optional.empty()), T0,
                Optional.empty());
        Turn pendingWithCode = new Turn(user.withStatus(MessageStatus.PENDING, Optional.of(ErrorCode.INTERNAL_ERROR)),
                T0, Optional.empty());

        assertThatThrownBy(() -> new TurnTransition(MessageStatus.PENDING, T0, completedWithoutReply))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TurnTransition(MessageStatus.PENDING, T0, failedWithoutCode))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TurnTransition(MessageStatus.FAILED, T0, pendingWithCode))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Turn wellFormed(MessageStatus status) {
        return switch (status) {
            case PENDING -> Turns.pending().build();
            case FAILED -> Turns.failed().build();
            case COMPLETED -> Turns.completed().build();
        };
    }
}
