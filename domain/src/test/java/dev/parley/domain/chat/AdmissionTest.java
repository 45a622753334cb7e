package dev.parley.domain.chat;

import static dev.parley.domain.chat.Turns.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final Duration STALE_AFTER = Duration.ofMinutes(2);
    private static final Instant NOW = T0.plusSeconds(600);

    private static Message sent(String content) {
        return Message.userMessage(new MessageId(UUID.randomUUID()), Turns.CHAT, content, Optional.of("key"), NOW);
    }

    private static Admission admit(Turn stored, String content) {
        return Admission.decide(Optional.of(stored), sent(content), NOW, STALE_AFTER);
    }

    @Test
    void withNothingStoredTheSentMessageIsANewTurnToGenerate() {
        Message sent = sent("hello");

        Admission admission = Admission.decide(Optional.empty(), sent, NOW, STALE_AFTER);

        assertThat(admission).isEqualTo(new Admission.Generate(Turn.begun(sent), Optional.empty()));
    }

    @Test
    void aCompletedTurnWithTheSameContentIsReplayed() {
        Turn completed = Turns.completed().build();

        assertThat(admit(completed, "hello"))
                .isEqualTo(new Admission.Replay(completed.userMessage(), completed.reply().orElseThrow(),
                        Optional.empty()));
    }

    @Test
    void aTurnWhoseReplyIsStoredIsReplayedAsCompletedWithItsRepairNeverGeneratedAgain() {
        Message user = Turns.userMessage("hello").withStatus(MessageStatus.FAILED,
                Optional.of(ErrorCode.DATABASE_UNAVAILABLE));
        Turn lostStatus = new Turn(user, T0, Optional.of(Turns.replyTo(user, T0)));

        assertThat(admit(lostStatus, "hello")).isInstanceOfSatisfying(Admission.Replay.class, r -> {
            assertThat(r.userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
            assertThat(r.userMessage().errorCode()).isEmpty();
            assertThat(r.reply()).isEqualTo(lostStatus.reply().orElseThrow());
            assertThat(r.repair()).hasValueSatisfying(t -> {
                assertThat(t.expectedStatus()).isEqualTo(MessageStatus.FAILED);
                assertThat(t.newStatus()).isEqualTo(MessageStatus.COMPLETED);
            });
        });
    }

    @Test
    void aPendingTurnItsRequestAbandonedIsTakenOverAtOnce() {
        Turn fresh = Turns.pending().touchedAt(NOW.minusSeconds(1)).build();

        assertThat(Admission.decide(Optional.of(fresh), sent("hello"), NOW, STALE_AFTER, t -> t.equals(fresh)))
                .isInstanceOfSatisfying(Admission.Generate.class, g -> assertThat(g.claim()).isPresent());
        assertThat(Admission.decide(Optional.of(fresh), sent("hello"), NOW, STALE_AFTER, t -> false))
                .isEqualTo(new Admission.InProgress(fresh.userMessage()));
    }

    @Test
    void aFailedTurnIsGeneratedAgainForTheSameUserMessageOnceTheClaimApplies() {
        Turn failed = Turns.failed().build();

        Admission admission = admit(failed, "hello");

        assertThat(admission).isInstanceOfSatisfying(Admission.Generate.class, g -> {
            assertThat(g.turn().userMessage().id()).isEqualTo(failed.userMessage().id());
            assertThat(g.turn().status()).isEqualTo(MessageStatus.PENDING);
            assertThat(g.claim()).hasValueSatisfying(c -> {
                assertThat(c.expectedStatus()).isEqualTo(MessageStatus.FAILED);
                assertThat(c.result()).isEqualTo(g.turn());
            });
        });
    }

    @Test
    void aPendingTurnIsInProgressUntilItGoesStaleThenTakenOver() {
        Turn live = Turns.pending().touchedAt(NOW.minus(STALE_AFTER)).build();
        Turn stale = Turns.pending().touchedAt(NOW.minus(STALE_AFTER).minusMillis(1)).build();

        assertThat(admit(live, "hello")).isEqualTo(new Admission.InProgress(live.userMessage()));
        assertThat(admit(stale, "hello")).isInstanceOfSatisfying(Admission.Generate.class,
                g -> assertThat(g.claim()).map(TurnTransition::expectedUpdatedAt)
                        .contains(stale.updatedAt()));
    }

    @Test
    void theKeyWithOtherContentIsReusedWhateverTheTurnsState() {
        for (Turn stored : new Turn[] {Turns.pending().build(), Turns.failed().build(), Turns.completed().build()}) {
            assertThat(admit(stored, "other text")).isEqualTo(new Admission.KeyReused(stored.userMessage()));
        }
    }

    @Test
    void aCompletedTurnWithoutItsReplyIsAnInternalError() {
        Message user = Turns.userMessage("hello").withStatus(MessageStatus.COMPLETED, Optional.empty());
        Turn broken = new Turn(user, T0, Optional.empty());

        assertThatThrownBy(() -> admit(broken, "hello")).isInstanceOfSatisfying(ParleyException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
    }
}
