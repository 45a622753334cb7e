package dev.parley.rest.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.user.UserId;
import dev.parley.rest.chat.TooManyStreamsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventTicketsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock();
    private final InMemoryTicketStore store = new InMemoryTicketStore(clock);
    private final EventTickets tickets = new EventTickets(store, new SplittableRandom(42), 3);
    private final Caller alice = new Caller(new UserId(UUID.randomUUID()), T0.plusSeconds(3600));
    private final ChatId chat = new ChatId(UUID.randomUUID());

    private static final class MutableClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void onlyAHashOfTheTicketIsStored() {
        String ticket = tickets.issue(alice, chat);

        assertThat(store.hashes()).hasSize(1).noneMatch(h -> new String(h, java.nio.charset.StandardCharsets.US_ASCII)
                .contains(ticket));
        assertThat(store.hashes().get(0)).hasSize(32);
    }

    @Test
    void aTicketIs256RandomBitsRedeemableOnceForItsChat() {
        String ticket = tickets.issue(alice, chat);

        assertThat(Base64.getUrlDecoder().decode(ticket)).hasSize(32);
        assertThat(tickets.issue(alice, chat)).isNotEqualTo(ticket);
        assertThat(tickets.redeem(ticket, chat)).contains(alice);
        assertThat(tickets.redeem(ticket, chat)).as("used").isEmpty();
    }

    @Test
    void anotherChatsOrAnUnknownTicketIsRefusedAndUsedUp() {
        String ticket = tickets.issue(alice, chat);

        assertThat(tickets.redeem(ticket, new ChatId(UUID.randomUUID()))).isEmpty();
        assertThat(tickets.redeem(ticket, chat)).as("a failed redemption uses it up").isEmpty();
        assertThat(tickets.redeem("no-such-ticket", chat)).isEmpty();
        assertThat(tickets.redeem(null, chat)).isEmpty();
    }

    @Test
    void aTicketExpiresAfterThirtySeconds() {
        String fresh = tickets.issue(alice, chat);
        String stale = tickets.issue(alice, chat);
        clock.now = T0.plus(Duration.ofSeconds(29));
        assertThat(tickets.redeem(fresh, chat)).isPresent();
        clock.now = T0.plus(Duration.ofSeconds(30));
        assertThat(tickets.redeem(stale, chat)).isEmpty();
    }

    @Test
    void ticketsAreBoundedAndExpiredOnesMakeRoom() {
        tickets.issue(alice, chat);
        tickets.issue(alice, chat);
        tickets.issue(alice, chat);
        assertThatThrownBy(() -> tickets.issue(alice, chat)).isInstanceOf(TooManyStreamsException.class);

        clock.now = T0.plusSeconds(31);
        assertThat(tickets.issue(alice, chat)).isNotBlank();
        assertThat(store.held()).isEqualTo(1);
    }
}
