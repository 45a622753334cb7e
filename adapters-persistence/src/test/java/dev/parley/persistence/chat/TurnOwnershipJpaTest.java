package dev.parley.persistence.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.chat.RetryClaim;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import dev.parley.persistence.account.TokenWalletJpaAdapter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue #13 on real PostgreSQL: only the request that holds a turn (its lease, the update time it
 * saw or set) can end it, and a stored reply is always found, whatever its user message's status
 * says. Each case ends with the rows a user would count: replies, ledger rows, the balance.
 */
class TurnOwnershipJpaTest {
    private static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");

    private final UUID user = Rows.newUser(10);
    private final Chat chat = new Chat(new ChatId(UUID.randomUUID()), new UserId(user), new PersonaId(Rows.CAPTAIN_MIRA),
            "ownership", T0, T0);

    TurnOwnershipJpaTest() {
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).create(chat);
            return null;
        });
    }

    private Message stored(String key, Instant at) {
        Message m = Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), "hello", Optional.of(key), at);
        PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).appendIfKeyUnused(m));
        return m;
    }

    private boolean apply(TurnTransition transition) {
        return PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).apply(transition));
    }

    private Turn turn(String key) {
        return PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).findTurn(chat.id(), key))
                .orElseThrow();
    }

    /** What the use case does on success: reply, charge, completion in one transaction, or nothing. */
    private void completeInOneTransaction(Turn held, Instant at) {
        PostgresFixture.inTransaction(em -> {
            ConversationsJpaAdapter conversations = new ConversationsJpaAdapter(em);
            Message answer = Message.assistantReply(new MessageId(UUID.randomUUID()), held.userMessage(), "aye", at);
            conversations.append(answer);
            new TokenWalletJpaAdapter(em, UUID::randomUUID, Clock.fixed(at, ZoneOffset.UTC))
                    .charge(new UserId(user), answer.id(), 1);
            if (!conversations.apply(held.complete(answer))) {
                throw new IllegalStateException("the turn is no longer ours"); // rolls back reply and charge
            }
            return null;
        });
    }

    private long replies(Message question) {
        return Rows.count("select count(*) from messages where reply_to = ?", question.id().value());
    }

    private long ledgerRows() {
        return Rows.count("select count(*) from token_ledger where user_id = ?", user);
    }

    private long balance() {
        return Rows.queryLong("select token_balance from users where id = ?", user);
    }

    @Test
    void aRequestPresumedDeadThatFailsAfterATakeoverCannotMarkTheNewOwnersTurnFailed() {
        Message m = stored("taken-over", T0);
        Turn heldByTheOldRequest = Turn.begun(m);
        TurnTransition takeover = ((RetryClaim.Claimed) turn("taken-over")
                .claimForRetry(T0.plusSeconds(61), T0.plusSeconds(1))).transition();
        assertThat(apply(takeover)).isTrue();

        assertThat(apply(heldByTheOldRequest.fail(ErrorCode.AI_PROVIDER_TIMEOUT, T0.plusSeconds(62))))
                .as("the old request no longer holds the turn").isFalse();

        assertThat(turn("taken-over").status()).isEqualTo(MessageStatus.PENDING);
        completeInOneTransaction(takeover.result(), T0.plusSeconds(63));
        assertThat(turn("taken-over").status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(replies(m)).isEqualTo(1);
        assertThat(ledgerRows()).isEqualTo(1);
        assertThat(balance()).isEqualTo(9);
    }

    @Test
    void aRequestPresumedDeadThatCompletesAfterATakeoverRollsBackItsReplyAndCharge() {
        Message m = stored("late", T0);
        Turn heldByTheOldRequest = Turn.begun(m);
        TurnTransition takeover = ((RetryClaim.Claimed) turn("late")
                .claimForRetry(T0.plusSeconds(61), T0.plusSeconds(1))).transition();
        assertThat(apply(takeover)).isTrue();

        assertThatThrownBy(() -> completeInOneTransaction(heldByTheOldRequest, T0.plusSeconds(62)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(replies(m)).isZero();
        assertThat(ledgerRows()).isZero();
        assertThat(balance()).isEqualTo(10);
        completeInOneTransaction(takeover.result(), T0.plusSeconds(63));
        assertThat(replies(m)).isEqualTo(1);
        assertThat(ledgerRows()).isEqualTo(1);
        assertThat(balance()).isEqualTo(9);
    }

    @Test
    void aReplyCommittedBeforeTheConnectionDiedLeavesACompletedTurnThatIsReplayedNotFailed() {
        Message m = stored("committed", T0);
        Turn held = Turn.begun(m);
        completeInOneTransaction(held, T0.plusSeconds(1)); // committed; the client saw a connection error

        assertThat(apply(held.fail(ErrorCode.DATABASE_UNAVAILABLE, T0.plusSeconds(2))))
                .as("a completed turn stays completed").isFalse();

        Turn seen = turn("committed");
        assertThat(seen.status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(seen.reply()).isPresent();
        assertThat(seen.claimForRetry(T0.plusSeconds(3), T0)).isInstanceOf(RetryClaim.Answered.class);
        assertThat(replies(m)).isEqualTo(1);
        assertThat(ledgerRows()).isEqualTo(1);
    }

    @Test
    void aStoredReplyIsFoundWhateverItsUserMessagesStatusSays() {
        Message m = stored("lost-status", T0);
        assertThat(apply(Turn.begun(m).fail(ErrorCode.DATABASE_UNAVAILABLE, T0.plusSeconds(1)))).isTrue();
        Message answer = Message.assistantReply(new MessageId(UUID.randomUUID()), m, "aye", T0.plusSeconds(2));
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(answer);
            return null;
        });

        Turn seen = turn("lost-status");

        assertThat(seen.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(seen.reply()).map(Message::id).contains(answer.id());
    }

    @Test
    void aLeaseTakenAtAFinerThanMicrosecondInstantStillEndsTheTurn() {
        Message m = stored("nanos", T0.plusNanos(123_456_789));

        assertThat(apply(Turn.begun(m).fail(ErrorCode.AI_BAD_RESPONSE, T0.plusSeconds(1).plusNanos(999))))
                .as("the lease held in memory with nanoseconds matches the stored microseconds").isTrue();
        assertThat(turn("nanos").status()).isEqualTo(MessageStatus.FAILED);
    }
}
