package dev.parley.persistence.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.EventTicketStore.Redeemed;
import dev.parley.domain.user.UserId;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Event-stream tickets in PostgreSQL: single use across any number of redeemers, bound to a chat, expiring. */
class EventTicketsJpaAdapterTest {
    private final UserId user = new UserId(UUID.randomUUID());
    private final ChatId chat = new ChatId(UUID.randomUUID());
    private final Instant tokenExpiry = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);

    private static byte[] hash() {
        byte[] h = new byte[32];
        ThreadLocalRandom.current().nextBytes(h);
        return h;
    }

    private static boolean keep(byte[] hash, UserId user, ChatId chat, Instant until, Duration validity, int max) {
        return PostgresFixture.inTransaction(em -> new EventTicketsJpaAdapter(em).keep(hash, user, chat, until, validity, max));
    }

    private static Optional<Redeemed> redeem(byte[] hash, ChatId chat) {
        return PostgresFixture.inTransaction(em -> new EventTicketsJpaAdapter(em).redeem(hash, chat));
    }

    @Test
    void aTicketIsRedeemedOnceForItsChatWithItsUserAndCredentialExpiry() {
        byte[] ticket = hash();
        assertThat(keep(ticket, user, chat, tokenExpiry, Duration.ofSeconds(30), 10_000)).isTrue();

        assertThat(redeem(ticket, chat)).contains(new Redeemed(user, tokenExpiry));
        assertThat(redeem(ticket, chat)).as("used").isEmpty();
    }

    @Test
    void anotherChatsRedemptionFailsAndUsesItUp() {
        byte[] ticket = hash();
        keep(ticket, user, chat, tokenExpiry, Duration.ofSeconds(30), 10_000);

        assertThat(redeem(ticket, new ChatId(UUID.randomUUID()))).isEmpty();
        assertThat(redeem(ticket, chat)).isEmpty();
        assertThat(redeem(hash(), chat)).as("unknown").isEmpty();
    }

    @Test
    void anExpiredTicketIsRefusedAndPurged() throws InterruptedException {
        byte[] ticket = hash();
        byte[] other = hash();
        keep(ticket, user, chat, tokenExpiry, Duration.ofMillis(1), 10_000);
        keep(other, user, chat, tokenExpiry, Duration.ofMillis(1), 10_000);
        Thread.sleep(20);

        assertThat(redeem(ticket, chat)).isEmpty();
        Integer purged = PostgresFixture.inTransaction(em -> new EventTicketsJpaAdapter(em).purgeExpired());
        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(Rows.count("select count(*) from event_tickets where hash = ?", (Object) other)).isZero();
    }

    @Test
    void ofManyConcurrentRedemptionsExactlyOneWins() throws Exception {
        byte[] ticket = hash();
        keep(ticket, user, chat, tokenExpiry, Duration.ofSeconds(30), 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<Redeemed>>> tries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tries.add(pool.submit((Callable<Optional<Redeemed>>) () -> {
                go.await();
                return redeem(ticket, chat);
            }));
        }
        go.countDown();
        int won = 0;
        for (Future<Optional<Redeemed>> t : tries) {
            won += t.get().isPresent() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
    }

    @Test
    void noMoreThanTheMostUnexpiredTicketsAreKept() {
        Rows.update("delete from event_tickets");
        assertThat(keep(hash(), user, chat, tokenExpiry, Duration.ofSeconds(30), 2)).isTrue();
        assertThat(keep(hash(), user, chat, tokenExpiry, Duration.ofSeconds(30), 2)).isTrue();
        assertThat(keep(hash(), user, chat, tokenExpiry, Duration.ofSeconds(30), 2)).isFalse();
    }
}
