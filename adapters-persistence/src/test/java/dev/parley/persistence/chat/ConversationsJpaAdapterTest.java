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
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
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

    @Test
    void marksAUserMessageFailedWithItsCodeAndCompletedLater() {
        Chat chat = newChat(T0, "marks");
        Message m = userMessage(chat, "try me", T0, "retry-key");
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).markUserMessage(m.id(), MessageStatus.FAILED,
                    Optional.of(ErrorCode.AI_PROVIDER_TIMEOUT), T0.plusSeconds(3));
            return null;
        });
        assertThat(Rows.queryString("select status || ':' || error_code from messages where id = ?", m.id().value()))
                .isEqualTo("FAILED:AI_PROVIDER_TIMEOUT");

        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).markUserMessage(m.id(), MessageStatus.COMPLETED, Optional.empty(),
                    T0.plusSeconds(4));
            return null;
        });
        assertThat(Rows.queryString("select status || ':' || coalesce(error_code, '-') from messages where id = ?",
                m.id().value())).isEqualTo("COMPLETED:-");
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

        boolean freshPending = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).claimForRetry(m.id(), now, T0.minusSeconds(1)));
        assertThat(freshPending).as("a pending message still being answered").isFalse();

        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).markUserMessage(m.id(), MessageStatus.FAILED,
                    Optional.of(ErrorCode.AI_PROVIDER_UNAVAILABLE), T0.plusSeconds(1));
            return null;
        });
        boolean first = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).claimForRetry(m.id(), now, T0.minusSeconds(1)));
        boolean second = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).claimForRetry(m.id(), now, T0.minusSeconds(1)));
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(Rows.queryString("select status || ':' || coalesce(error_code, '-') from messages where id = ?",
                m.id().value())).isEqualTo("PENDING:-");

        boolean stale = PostgresFixture.inTransaction(
                em -> new ConversationsJpaAdapter(em).claimForRetry(m.id(), now.plusSeconds(100), now.plusSeconds(1)));
        assertThat(stale).as("pending but untouched since before the stale limit").isTrue();
    }
}
