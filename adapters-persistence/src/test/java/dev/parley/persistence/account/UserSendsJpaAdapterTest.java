package dev.parley.persistence.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserSends;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import dev.parley.persistence.chat.ConversationsJpaAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The counting queries and the user's lock of the shared per-user limits, on a real PostgreSQL. */
class UserSendsJpaAdapterTest {
    private static final Instant NOW = Instant.parse("2026-03-03T12:00:00Z");
    private static final Instant WINDOW_START = NOW.minusSeconds(60);
    private static final Instant GENERATING_SINCE = NOW.minusSeconds(55);

    private static <T> T inTransaction(Function<UserSends, T> work) {
        return PostgresFixture.inTransaction(em -> work.apply(new UserSendsJpaAdapter(em)));
    }

    private static UserSends.Usage usage(UUID user) {
        return inTransaction(sends -> sends.lockAndCount(new UserId(user), WINDOW_START, GENERATING_SINCE));
    }

    private static ChatId newChat(UUID user) {
        Chat chat = new Chat(new ChatId(UUID.randomUUID()), new UserId(user), new PersonaId(Rows.PROFESSOR_LIN), "t",
                NOW, NOW);
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).create(chat);
            return null;
        });
        return chat.id();
    }

    /** A user message of {@code chat}, PENDING, created and last updated at {@code at}. */
    private static Message pending(ChatId chat, Instant at) {
        return Message.userMessage(new MessageId(UUID.randomUUID()), chat, "q", Optional.empty(), at);
    }

    private static void store(Message message) {
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).append(message);
            return null;
        });
    }

    @Test
    void countsTheUsersPendingTurnsOfEveryChatYoungerThanTheHoldAndNothingElse() {
        UUID alice = Rows.newUser(10);
        UUID bob = Rows.newUser(10);
        ChatId first = newChat(alice);
        ChatId second = newChat(alice);
        store(pending(first, NOW.minusSeconds(1)));
        store(pending(second, NOW.minusSeconds(54)));
        store(pending(second, NOW.minusSeconds(56))); // older than the hold: its request is presumed dead
        Message done = pending(first, NOW.minusSeconds(2));
        store(done);
        Rows.update("update messages set status = 'COMPLETED' where id = ?", done.id().value());
        Message failed = pending(first, NOW.minusSeconds(3));
        store(failed);
        Rows.update("update messages set status = 'FAILED' where id = ?", failed.id().value());
        store(pending(newChat(bob), NOW)); // another user's

        assertThat(usage(alice).generating()).isEqualTo(2);
        assertThat(usage(bob).generating()).isEqualTo(1);
    }

    @Test
    void countsTheSendsOfTheWindowAndFindsTheOldestExactly() {
        UUID alice = Rows.newUser(10);
        UUID bob = Rows.newUser(10);
        Instant oldest = NOW.minusMillis(59_123).plusNanos(456_000);
        inTransaction(sends -> {
            sends.record(new UserId(alice), NOW.minusSeconds(60)); // on the window's edge: out
            sends.record(new UserId(alice), oldest);
            sends.record(new UserId(alice), NOW.minusSeconds(30));
            sends.record(new UserId(alice), NOW);
            sends.record(new UserId(bob), NOW);
            return null;
        });

        assertThat(usage(alice)).isEqualTo(new UserSends.Usage(0, 3, Optional.of(oldest)));
        assertThat(usage(bob)).isEqualTo(new UserSends.Usage(0, 1, Optional.of(NOW)));
        assertThat(usage(Rows.newUser(1))).isEqualTo(new UserSends.Usage(0, 0, Optional.empty()));
    }

    @Test
    void forgetsOnlyTheSendsThatLeftTheWindow() {
        UUID alice = Rows.newUser(10);
        Instant longAgo = Instant.parse("2020-01-01T00:00:00Z");
        inTransaction(sends -> {
            sends.record(new UserId(alice), longAgo);
            sends.record(new UserId(alice), longAgo.plusSeconds(60));
            sends.record(new UserId(alice), longAgo.plusSeconds(61));
            return null;
        });

        int forgotten = inTransaction(sends -> sends.forget(longAgo.plusSeconds(60)));

        assertThat(forgotten).isEqualTo(2);
        assertThat(Rows.count("select count(*) from user_sends where user_id = ?", alice)).isOne();
    }

    /**
     * Sixteen transactions of one user race for four places: each locks and counts, waits a moment
     * (so that without the lock they would all see the same counts), and if below the limit stores a
     * pending turn and records its send. Exactly four are admitted.
     */
    @Test
    void theUsersLockAdmitsExactlyTheLimitAmongRacingTransactions() throws Exception {
        UUID alice = Rows.newUser(10);
        ChatId chat = newChat(alice);
        int inFlight = 4;
        int racers = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(racers);
        List<Future<Boolean>> admitted = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            admitted.add(threads.submit(() -> {
                start.await();
                return PostgresFixture.inTransaction(em -> {
                    UserSendsJpaAdapter sends = new UserSendsJpaAdapter(em);
                    UserSends.Usage usage = sends.lockAndCount(new UserId(alice), WINDOW_START, GENERATING_SINCE);
                    pause(Duration.ofMillis(20));
                    if (usage.generating() >= inFlight) {
                        return false;
                    }
                    new ConversationsJpaAdapter(em).append(pending(chat, NOW));
                    sends.record(new UserId(alice), NOW);
                    return true;
                });
            }));
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        long admittedCount = 0;
        for (Future<Boolean> result : admitted) {
            admittedCount += result.get() ? 1 : 0;
        }
        assertThat(admittedCount).isEqualTo(inFlight);
        assertThat(Rows.count("select count(*) from messages where chat_id = ? and status = 'PENDING'",
                chat.value())).isEqualTo(inFlight);
        assertThat(Rows.count("select count(*) from user_sends where user_id = ?", alice)).isEqualTo(inFlight);
        assertThat(usage(alice)).isEqualTo(new UserSends.Usage(4, 4, Optional.of(NOW)));
    }

    @Test
    void anotherUsersAdmissionDoesNotWaitForTheLock() throws Exception {
        UUID alice = Rows.newUser(10);
        UUID bob = Rows.newUser(10);
        CountDownLatch aliceLocked = new CountDownLatch(1);
        CountDownLatch bobDone = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        Future<?> holder = thread.submit(() -> PostgresFixture.inTransaction(em -> {
            new UserSendsJpaAdapter(em).lockAndCount(new UserId(alice), WINDOW_START, GENERATING_SINCE);
            aliceLocked.countDown();
            try {
                // holds alice's lock until bob's admission is through: it would never be if bob waited for it
                assertThat(bobDone.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertThat(aliceLocked.await(30, TimeUnit.SECONDS)).isTrue();

        UserSends.Usage bobs = usage(bob);
        bobDone.countDown();

        holder.get(30, TimeUnit.SECONDS);
        thread.shutdown();
        assertThat(bobs.generating()).isZero();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
