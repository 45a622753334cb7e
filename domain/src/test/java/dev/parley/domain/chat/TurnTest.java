package dev.parley.domain.chat;

import static dev.parley.domain.chat.Turns.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.error.ErrorCode;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every move from every state of a turn: what it decides, and what it refuses. */
class TurnTest {
    private static final Instant NOW = T0.plusSeconds(600);
    private static final Instant STALE_BEFORE = NOW.minusSeconds(120);

    @Test
    void aNewTurnIsPendingSinceItsMessageWasCreated() {
        Turn turn = Turn.begun(Turns.userMessage("hi"));

        assertThat(turn.status()).isEqualTo(MessageStatus.PENDING);
        assertThat(turn.updatedAt()).isEqualTo(T0);
        assertThat(turn.reply()).isEmpty();
    }

    @Test
    void aFailedTurnIsClaimedBackToPendingExpectingExactlyWhatWasSeen() {
        Turn failed = Turns.failed().touchedAt(NOW.minusSeconds(1)).build();

        RetryClaim claim = failed.claimForRetry(NOW, STALE_BEFORE);

        assertThat(claim).isInstanceOfSatisfying(RetryClaim.Claimed.class, c -> {
            TurnTransition t = c.transition();
            assertThat(t.expectedStatus()).isEqualTo(MessageStatus.FAILED);
            assertThat(t.expectedUpdatedAt()).isEqualTo(NOW.minusSeconds(1));
            assertThat(t.newStatus()).isEqualTo(MessageStatus.PENDING);
            assertThat(t.errorCode()).as("the old failure is forgotten").isEmpty();
            assertThat(t.at()).isEqualTo(NOW);
            assertThat(t.userMessageId()).isEqualTo(failed.userMessage().id());
            assertThat(t.result().userMessage().content()).isEqualTo(failed.userMessage().content());
        });
    }

    @Test
    void aPendingTurnUntouchedSinceBeforeTheStaleLimitIsTakenOver() {
        Turn stale = Turns.pending().touchedAt(STALE_BEFORE.minusMillis(1)).build();

        RetryClaim claim = stale.claimForRetry(NOW, STALE_BEFORE);

        assertThat(claim).isInstanceOfSatisfying(RetryClaim.Claimed.class, c -> {
            assertThat(c.transition().expectedStatus()).isEqualTo(MessageStatus.PENDING);
            assertThat(c.transition().expectedUpdatedAt()).isEqualTo(STALE_BEFORE.minusMillis(1));
            assertThat(c.transition().result().status()).isEqualTo(MessageStatus.PENDING);
            assertThat(c.transition().at()).isEqualTo(NOW);
        });
    }

    @Test
    void aPendingTurnTouchedAtOrAfterTheStaleLimitIsBusy() {
        Turn atLimit = Turns.pending().touchedAt(STALE_BEFORE).build();
        Turn live = Turns.pending().touchedAt(NOW).build();

        assertThat(atLimit.claimForRetry(NOW, STALE_BEFORE)).isEqualTo(new RetryClaim.Busy(atLimit));
        assertThat(live.claimForRetry(NOW, STALE_BEFORE)).isEqualTo(new RetryClaim.Busy(live));
    }

    @Test
    void aCompletedTurnIsAnsweredAndNeverClaimedHoweverOld() {
        Turn completed = Turns.completed().touchedAt(T0).build();

        assertThat(completed.claimForRetry(NOW, STALE_BEFORE))
                .isEqualTo(new RetryClaim.Answered(completed, Optional.empty()));
        assertThat(completed.claimForRetry(NOW, STALE_BEFORE, true))
                .isEqualTo(new RetryClaim.Answered(completed, Optional.empty()));
    }

    @Test
    void aPendingTurnAbandonedByItsRequestIsTakenOverAtOnce() {
        Turn abandoned = Turns.pending().touchedAt(NOW.minusSeconds(1)).build();

        assertThat(abandoned.claimForRetry(NOW, STALE_BEFORE, false)).isInstanceOf(RetryClaim.Busy.class);
        assertThat(abandoned.claimForRetry(NOW, STALE_BEFORE, true)).isInstanceOfSatisfying(RetryClaim.Claimed.class,
                c -> assertThat(c.transition().expectedUpdatedAt()).isEqualTo(NOW.minusSeconds(1)));
    }

    @Test
    void aTurnWhoseReplyIsStoredIsAnsweredAndRepairedWhateverItsStatusSays() {
        for (MessageStatus lost : new MessageStatus[] {MessageStatus.PENDING, MessageStatus.FAILED}) {
            Message user = Turns.userMessage("hello");
            Message reply = Turns.replyTo(user, T0.plusSeconds(2));
            Turn turn = new Turn(user.withStatus(lost, lost == MessageStatus.FAILED
                    ? Optional.of(ErrorCode.DATABASE_UNAVAILABLE) : Optional.empty()), T0.plusSeconds(5),
                    Optional.of(reply));

            assertThat(turn.claimForRetry(NOW, STALE_BEFORE)).as(lost.name())
                    .isInstanceOfSatisfying(RetryClaim.Answered.class, a -> assertThat(a.repair())
                            .hasValueSatisfying(repair -> {
                                assertThat(repair.expectedStatus()).isEqualTo(lost);
                                assertThat(repair.expectedUpdatedAt()).isEqualTo(T0.plusSeconds(5));
                                assertThat(repair.newStatus()).isEqualTo(MessageStatus.COMPLETED);
                                assertThat(repair.errorCode()).isEmpty();
                                assertThat(repair.result().reply()).contains(reply);
                            }));
            assertThatThrownBy(() -> turn.fail(ErrorCode.INTERNAL_ERROR, NOW)).as(lost.name())
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void theRequestThatLostItsTurnToATakeoverCanNeitherCompleteNorFailWhatTheNewOwnerHolds() {
        Turn heldByTheOldRequest = Turns.pending().touchedAt(T0).build();
        Turn heldByTheNewOwner = ((RetryClaim.Claimed) heldByTheOldRequest.claimForRetry(NOW, STALE_BEFORE))
                .transition().result();

        TurnTransition lateCompletion = heldByTheOldRequest.complete(Turns.replyTo(heldByTheOldRequest.userMessage(), NOW));
        TurnTransition lateFailure = heldByTheOldRequest.fail(ErrorCode.AI_PROVIDER_TIMEOUT, NOW);

        assertThat(heldByTheNewOwner.updatedAt()).isEqualTo(NOW);
        assertThat(lateCompletion.expectedUpdatedAt()).isEqualTo(T0).isNotEqualTo(heldByTheNewOwner.updatedAt());
        assertThat(lateFailure.expectedUpdatedAt()).isEqualTo(T0).isNotEqualTo(heldByTheNewOwner.updatedAt());
    }

    @Test
    void aPendingTurnNoRequestWorksOnExpiresFailedOrRepairedIfItsReplyIsStored() {
        Turn orphan = Turns.pending().touchedAt(T0).build();
        Message reply = Turns.replyTo(orphan.userMessage(), T0.plusSeconds(1));
        Turn answeredButPending = new Turn(orphan.userMessage(), T0, Optional.of(reply));

        TurnTransition expired = orphan.expire(NOW);
        TurnTransition repaired = answeredButPending.expire(NOW);

        assertThat(expired.newStatus()).isEqualTo(MessageStatus.FAILED);
        assertThat(expired.errorCode()).contains(Turn.EXPIRED);
        assertThat(expired.expectedUpdatedAt()).isEqualTo(T0);
        assertThat(expired.at()).isEqualTo(NOW);
        assertThat(repaired.newStatus()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(repaired.result().reply()).contains(reply);
        assertThatThrownBy(() -> Turns.failed().build().expire(NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Turns.completed().build().expire(NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPendingTurnCompletesWithItsReplyAtTheReplysTime() {
        Turn pending = Turns.pending().build();
        Message reply = Turns.replyTo(pending.userMessage(), T0.plusSeconds(3));

        TurnTransition done = pending.complete(reply);

        assertThat(done.expectedStatus()).isEqualTo(MessageStatus.PENDING);
        assertThat(done.expectedUpdatedAt()).as("the lease the request holds").isEqualTo(T0);
        assertThat(done.newStatus()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(done.errorCode()).isEmpty();
        assertThat(done.at()).isEqualTo(T0.plusSeconds(3));
        assertThat(done.result().reply()).contains(reply);
        assertThat(done.result().userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(pending.status()).as("a decision leaves the turn as it was").isEqualTo(MessageStatus.PENDING);
    }

    @Test
    void aPendingTurnFailsWithItsCode() {
        Turn pending = Turns.pending().build();

        TurnTransition failed = pending.fail(ErrorCode.MODERATION_BLOCKED, T0.plusSeconds(2));

        assertThat(failed.expectedStatus()).isEqualTo(MessageStatus.PENDING);
        assertThat(failed.expectedUpdatedAt()).as("the lease the request holds").isEqualTo(T0);
        assertThat(failed.newStatus()).isEqualTo(MessageStatus.FAILED);
        assertThat(failed.errorCode()).contains(ErrorCode.MODERATION_BLOCKED);
        assertThat(failed.result().userMessage().errorCode()).contains(ErrorCode.MODERATION_BLOCKED);
        assertThat(failed.at()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void onlyAPendingTurnCanCompleteOrFail() {
        for (Turn settled : new Turn[] {Turns.failed().build(), Turns.completed().build()}) {
            Message reply = Turns.replyTo(settled.userMessage(), NOW);
            assertThatThrownBy(() -> settled.complete(reply)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> settled.fail(ErrorCode.INTERNAL_ERROR, NOW))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aReplyToAnotherMessageCannotCompleteTheTurn() {
        Turn pending = Turns.pending().build();
        Message otherReply = Turns.replyTo(Turns.userMessage("something else"), NOW);

        assertThatThrownBy(() -> pending.complete(otherReply)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTurnIsAUserMessagesAndItsReplyAnswersThatMessage() {
        Message user = Turns.userMessage("q");
        Message reply = Turns.replyTo(user, T0);
        Message otherReply = Turns.replyTo(Turns.userMessage("other"), T0);

        assertThatThrownBy(() -> new Turn(reply, T0, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Turn(user, T0, Optional.of(otherReply)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Turn(user, T0, Optional.of(reply)).reply()).as("a stored reply whose status write was lost")
                .contains(reply);
    }
}
