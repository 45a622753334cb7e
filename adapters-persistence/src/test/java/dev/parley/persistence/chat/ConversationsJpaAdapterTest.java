package dev.parley.persistence.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
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
import dev.parley.persistence.persona.PersonasJpaAdapter;
import dev.parley.persistence.tx.FakeRegistry;
import dev.parley.persistence.tx.TransactionReads;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConversationsJpaAdapterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private final UserId owner = new UserId(Rows.newUser(10));

    private Chat newChat(Instant at, String title) {
        Chat chat = new Chat(new ChatId(UUID.randomUUID()), owner, new PersonaId(Rows.CAPTAIN_MIRA), title, at, at);
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).create(chat);
            return null;
        });
        return chat;
    }

    private Message userMessage(Chat chat, String text, Instant at, String key) {
        Message m = Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), text, Optional.ofNullable(key), at);
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(m);
            return null;
        });
        return m;
    }

    @Test
    void aChatIsReadWithItsPersonaAndItsOwnersBalanceWhichTheTransactionKeepsUntilACharge() {
        Chat chat = newChat(T0, "kept");
        FakeRegistry registry = new FakeRegistry();
        TransactionReads reads = FakeRegistry.readsOn(registry);
        registry.begin();

        Optional<Chat> found = PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em, reads).find(chat.id()));
        // changed behind the transaction's back: what it kept answers, not the database
        PostgresFixture.inTransaction(em -> em.createNativeQuery("update users set token_balance = 99 where id = :id")
                .setParameter("id", owner.value()).executeUpdate());
        long kept = PostgresFixture.inTransaction(
                em -> new TokenWalletJpaAdapter(em, UUID::randomUUID, Clock.fixed(T0, ZoneOffset.UTC), reads).balance(owner));
        String persona = PostgresFixture.inTransaction(
                em -> new PersonasJpaAdapter(em, reads).find(chat.personaId()).orElseThrow().name());
        reads.forget(TokenWalletJpaAdapter.key(owner));
        long forgotten = PostgresFixture.inTransaction(
                em -> new TokenWalletJpaAdapter(em, UUID::randomUUID, Clock.fixed(T0, ZoneOffset.UTC), reads).balance(owner));
        registry.end();

        assertThat(found).contains(chat);
        assertThat(kept).isEqualTo(10);
        assertThat(persona).isEqualTo("Captain Mira");
        assertThat(forgotten).isEqualTo(99);
        Optional<Chat> none = PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).find(new ChatId(UUID.randomUUID())));
        assertThat(none).isEmpty();
    }

    @Test
    void storesMessagesAndReadsThemBackOldestFirstInPages() {
        Chat chat = newChat(T0, "paging");
        Message first = userMessage(chat, "one", T0.plusSeconds(1), "k1");
        Message reply = Message.assistantReply(new MessageId(UUID.randomUUID()), first, "two", T0.plusSeconds(1));
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(reply);
            return null;
        });
        userMessage(chat, "three", T0.plusSeconds(2), "k2");

        List<Message> all = PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).messages(chat.id(), 0, 50));
        assertThat(all).extracting(Message::content).containsExactly("one", "two", "three");
        assertThat(all.get(1).role()).isEqualTo(MessageRole.ASSISTANT);
        assertThat(all.get(1).replyTo()).contains(first.id());
        assertThat(all.get(0).idempotencyKey()).contains("k1");

        List<Message> page2 = PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).messages(chat.id(), 1, 1));
        assertThat(page2).extracting(Message::content).containsExactly("two");
        List<Message> recent = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).recentMessages(chat.id(), 2));
        assertThat(recent).extracting(Message::content).containsExactly("two", "three");
    }

    @Test
    void listsTheOwnersChatsNewestActivityFirstWithTheLastMessage() {
        Chat older = newChat(T0, "older");
        Chat newer = newChat(T0.plusSeconds(5), "newer");
        Chat silent = newChat(T0.plusSeconds(1), "silent");
        userMessage(older, "wake up", T0.plusSeconds(60), null);
        userMessage(newer, "hello", T0.plusSeconds(10), null);

        List<ChatSummary> list = PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).listFor(owner, 10));
        assertThat(list).extracting(s -> s.chat().title()).containsExactly("older", "newer", "silent");
        assertThat(list.get(0).lastMessage()).map(Message::content).contains("wake up");
        assertThat(list.get(0).chat().lastActivityAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(list.get(0).personaName()).isEqualTo("Captain Mira");
        assertThat(list.get(2).lastMessage()).isEmpty();
        assertThat(silent.id()).isEqualTo(list.get(2).chat().id());

        List<ChatSummary> someoneElses = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).listFor(new UserId(Rows.newUser(1)), 10));
        assertThat(someoneElses).isEmpty();
    }

    private boolean apply(TurnTransition transition) {
        return PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).apply(transition));
    }

    private Turn turn(Chat chat, String key) {
        return PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).findTurn(chat.id(), key))
                .orElseThrow();
    }

    private static String stateOf(Message m) {
        return Rows.queryString("select status || ':' || coalesce(error_code, '-') from messages where id = ?",
                m.id().value());
    }

    @Test
    void marksAUserMessageFailedWithItsCodeAndCompletedAfterARetryClaim() {
        Chat chat = newChat(T0, "marks");
        Message m = userMessage(chat, "try me", T0, "retry-key");
        assertThat(apply(Turn.begun(m).fail(ErrorCode.AI_PROVIDER_TIMEOUT, T0.plusSeconds(3)))).isTrue();
        assertThat(Rows.queryString("select status || ':' || error_code from messages where id = ?", m.id().value()))
                .isEqualTo("FAILED:AI_PROVIDER_TIMEOUT");

        Turn failed = turn(chat, "retry-key");
        assertThat(failed.updatedAt()).isEqualTo(T0.plusSeconds(3));
        TurnTransition claim = ((RetryClaim.Claimed) failed.claimForRetry(T0.plusSeconds(4), T0)).transition();
        assertThat(apply(claim)).isTrue();
        Message answer = Message.assistantReply(new MessageId(UUID.randomUUID()), m, "done", T0.plusSeconds(5));
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(answer);
            return null;
        });
        assertThat(apply(claim.result().complete(answer))).isTrue();

        assertThat(stateOf(m)).isEqualTo("COMPLETED:-");
        Turn completed = turn(chat, "retry-key");
        assertThat(completed.status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(completed.updatedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(completed.reply()).map(Message::id).contains(answer.id());
    }

    @Test
    void aTurnIsMarkedFailedOrCompletedOnlyWhileItIsStillPending() {
        Chat chat = newChat(T0, "only pending");
        Message m = userMessage(chat, "once", T0, "pk");
        Turn pending = Turn.begun(m);
        Message answer = Message.assistantReply(new MessageId(UUID.randomUUID()), m, "a", T0.plusSeconds(1));

        assertThat(apply(pending.fail(ErrorCode.AI_BAD_RESPONSE, T0.plusSeconds(1)))).isTrue();
        assertThat(apply(pending.fail(ErrorCode.INTERNAL_ERROR, T0.plusSeconds(2)))).as("already failed").isFalse();
        assertThat(apply(pending.complete(answer))).as("failed, not pending").isFalse();
        assertThat(stateOf(m)).isEqualTo("FAILED:AI_BAD_RESPONSE");
    }

    @Test
    void aTransitionNeverTouchesAnAssistantMessage() {
        Chat chat = newChat(T0, "roles");
        Message question = userMessage(chat, "q", T0, "rk");
        Message answer = Message.assistantReply(new MessageId(UUID.randomUUID()), question, "a", T0.plusSeconds(1));
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(answer);
            return null;
        });
        Turn posingAsTurn = Turn.begun(Message.userMessage(answer.id(), chat.id(), "a", Optional.empty(),
                T0.plusSeconds(1)));

        assertThat(apply(posingAsTurn.fail(ErrorCode.INTERNAL_ERROR, T0.plusSeconds(2)))).isFalse();
        assertThat(Rows.queryString("select status from messages where id = ?", answer.id().value()))
                .isEqualTo("COMPLETED");
    }

    @Test
    void theSameIdempotencyKeyCannotStoreASecondUserMessageInTheSameChat() {
        Chat chat = newChat(T0, "idempotency");
        userMessage(chat, "once", T0, "same-key");
        assertThatThrownBy(() -> userMessage(chat, "twice", T0, "same-key")).isInstanceOf(RuntimeException.class);
        assertThat(Rows.count("select count(*) from messages where chat_id = ?", chat.id().value())).isEqualTo(1);

        Chat other = newChat(T0, "other chat");
        userMessage(other, "same key, other chat", T0, "same-key");
        assertThat(Rows.count("select count(*) from messages where chat_id = ?", other.id().value())).isEqualTo(1);
    }

    @Test
    void aKeyedUserMessageIsStoredOnceAndFoundByItsKey() {
        Chat chat = newChat(T0, "keyed");
        Message first = Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), "hi", Optional.of("k"), T0);
        Message second = Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), "hi", Optional.of("k"), T0);

        boolean stored = PostgresFixture.inTransaction(em -> new ConversationsJpaAdapter(em).appendIfKeyUnused(first));
        boolean storedAgain = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).appendIfKeyUnused(second));

        assertThat(stored).isTrue();
        assertThat(storedAgain).isFalse();
        assertThat(Rows.count("select count(*) from messages where chat_id = ?", chat.id().value())).isEqualTo(1);
        Optional<Message> found = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).findByIdempotencyKey(chat.id(), "k"));
        assertThat(found).map(Message::id).contains(first.id());
        assertThat(found).map(Message::status).contains(MessageStatus.PENDING);
    }

    @Test
    void findsTheReplyOfAUserMessage() {
        Chat chat = newChat(T0, "reply");
        Message question = userMessage(chat, "q", T0, "rk");
        Message answer = Message.assistantReply(new MessageId(UUID.randomUUID()), question, "a", T0.plusSeconds(1));
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(answer);
            return null;
        });

        Optional<Message> reply = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).findReplyTo(question.id()));
        Optional<Message> replyToTheReply = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).findReplyTo(answer.id()));
        assertThat(reply).map(Message::content).contains("a");
        assertThat(replyToTheReply).isEmpty();
    }

    @Test
    void onlyAFailedOrStalePendingMessageCanBeClaimedAndOnlyOnce() {
        Chat chat = newChat(T0, "claims");
        Message m = userMessage(chat, "again", T0, "ck");
        Instant now = T0.plusSeconds(10);

        assertThat(turn(chat, "ck").claimForRetry(now, T0.minusSeconds(1)))
                .as("a pending message still being answered").isInstanceOf(RetryClaim.Busy.class);

        assertThat(apply(Turn.begun(m).fail(ErrorCode.AI_PROVIDER_UNAVAILABLE, T0.plusSeconds(1)))).isTrue();
        Turn seen = turn(chat, "ck");
        TurnTransition claim = ((RetryClaim.Claimed) seen.claimForRetry(now, T0.minusSeconds(1))).transition();
        TurnTransition rival = ((RetryClaim.Claimed) seen.claimForRetry(now.plusMillis(1), T0.minusSeconds(1)))
                .transition();
        assertThat(apply(claim)).isTrue();
        assertThat(apply(rival)).as("a second claimer that saw the same failed turn").isFalse();
        assertThat(stateOf(m)).isEqualTo("PENDING:-");

        Turn claimed = turn(chat, "ck");
        assertThat(claimed.claimForRetry(now.plusSeconds(100), now)).as("touched by the claim, not stale yet")
                .isInstanceOf(RetryClaim.Busy.class);
        RetryClaim stale = claimed.claimForRetry(now.plusSeconds(100), now.plusSeconds(1));
        assertThat(stale).as("pending but untouched since before the stale limit").isInstanceOf(RetryClaim.Claimed.class);
        TurnTransition takeover = ((RetryClaim.Claimed) stale).transition();
        TurnTransition rivalTakeover = ((RetryClaim.Claimed) claimed.claimForRetry(now.plusSeconds(101),
                now.plusSeconds(1))).transition();
        assertThat(apply(takeover)).isTrue();
        assertThat(apply(rivalTakeover)).as("exactly one takes a stale turn over").isFalse();
        assertThat(turn(chat, "ck").updatedAt()).isEqualTo(now.plusSeconds(100));
    }

    @Test
    void aTurnTakenOverAtAFinerThanMicrosecondInstantIsFoundAndClaimedExactly() {
        Chat chat = newChat(T0, "precision");
        userMessage(chat, "fine", T0.plusNanos(123_456_789), "fk");
        Turn seen = turn(chat, "fk");

        TurnTransition takeover = ((RetryClaim.Claimed) seen.claimForRetry(T0.plusSeconds(60).plusNanos(987_654_321),
                T0.plusSeconds(30))).transition();

        assertThat(apply(takeover)).isTrue();
        TurnTransition again = ((RetryClaim.Claimed) turn(chat, "fk").claimForRetry(T0.plusSeconds(600),
                T0.plusSeconds(300))).transition();
        assertThat(apply(again)).as("the stored update time compares equal to the one read back").isTrue();
    }

    @Test
    void findsThePendingTurnsUntouchedSinceAnInstantOldestFirstWithTheirReplies() {
        Chat chat = newChat(T0, "sweep");
        Message older = userMessage(chat, "older", T0.minusSeconds(120), null);
        Message answered = userMessage(chat, "answered", T0.minusSeconds(90), "ak");
        Message answer = Message.assistantReply(new MessageId(UUID.randomUUID()), answered, "a", T0.minusSeconds(89));
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(answer);
            return null;
        });
        Message failed = userMessage(chat, "failed", T0.minusSeconds(100), "fk");
        assertThat(apply(Turn.begun(failed).fail(ErrorCode.AI_BAD_RESPONSE, T0.minusSeconds(99)))).isTrue();
        userMessage(chat, "fresh", T0, "nk");

        List<Turn> stale = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).pendingTurnsUntouchedSince(T0.minusSeconds(1), 1000))
                .stream().filter(t -> t.userMessage().chatId().equals(chat.id())).toList();

        assertThat(stale).extracting(t -> t.userMessage().id()).containsExactly(older.id(), answered.id());
        assertThat(stale.get(1).reply()).map(Message::id).contains(answer.id());
        assertThat(stale.get(0).updatedAt()).isEqualTo(T0.minusSeconds(120));
    }
}
