package dev.parley.persistence.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import dev.parley.persistence.chat.ConversationsJpaAdapter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TokenWalletJpaAdapterTest {
    private static final Instant NOW = Instant.parse("2026-02-02T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A stored assistant reply of a fresh chat of {@code user}, to charge for. */
    private MessageId storedReply(UUID user) {
        Chat chat = new Chat(new ChatId(UUID.randomUUID()), new UserId(user), new PersonaId(Rows.PROFESSOR_LIN), "t",
                NOW, NOW);
        Message question = Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), "q", Optional.empty(), NOW);
        Message reply = Message.assistantReply(new MessageId(UUID.randomUUID()), question, "a", NOW);
        PostgresFixture.inTransaction(em -> {
            ConversationsJpaAdapter conversations = new ConversationsJpaAdapter(em);
            conversations.create(chat);
            conversations.append(question);
            conversations.append(reply);
            return null;
        });
        return reply.id();
    }

    private long charge(UUID user, MessageId reply, long cost) {
        return PostgresFixture.inTransaction(
                em -> new TokenWalletJpaAdapter(em, UUID::randomUUID, clock).charge(new UserId(user), reply, cost));
    }

    @Test
    void chargeDeductsTheCostAndWritesOneLedgerRow() {
        UUID user = Rows.newUser(5);
        MessageId reply = storedReply(user);

        long after = charge(user, reply, 2);

        assertThat(after).isEqualTo(3);
        assertThat(Rows.queryLong("select token_balance from users where id = ?", user)).isEqualTo(3);
        assertThat(Rows.queryString("select delta || '/' || balance_after from token_ledger where message_id = ?",
                reply.value())).isEqualTo("-2/3");
        long balance = PostgresFixture.inTransaction(
                em -> new TokenWalletJpaAdapter(em, UUID::randomUUID, clock).balance(new UserId(user)));
        assertThat(balance).isEqualTo(3);
    }

    @Test
    void anInsufficientBalanceIsRefusedAndNothingIsDeducted() {
        UUID user = Rows.newUser(1);
        MessageId reply = storedReply(user);

        assertThatThrownBy(() -> charge(user, reply, 2))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_TOKENS));

        assertThat(Rows.queryLong("select token_balance from users where id = ?", user)).isEqualTo(1);
        assertThat(Rows.count("select count(*) from token_ledger where user_id = ?", user)).isZero();
    }

    @Test
    void theSameReplyCanNeverBeChargedTwice() {
        UUID user = Rows.newUser(10);
        MessageId reply = storedReply(user);
        charge(user, reply, 1);

        assertThatThrownBy(() -> charge(user, reply, 1)).isInstanceOf(RuntimeException.class);

        assertThat(Rows.queryLong("select token_balance from users where id = ?", user))
                .as("the second charge rolled back with its ledger row").isEqualTo(9);
        assertThat(Rows.count("select count(*) from token_ledger where message_id = ?", reply.value())).isEqualTo(1);
    }
}
