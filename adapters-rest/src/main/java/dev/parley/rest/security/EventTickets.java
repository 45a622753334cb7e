package dev.parley.rest.security;

import dev.parley.domain.chat.ChatId;
import dev.parley.rest.chat.TooManyStreamsException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Single-use tickets for a chat's event stream, so that no token ever travels in a URL: an
 * authenticated owner of the chat gets one ({@code POST /api/chats/{chatId}/events/ticket}), and
 * {@code GET /api/chats/{chatId}/events?ticket=...} redeems it within {@value #VALIDITY_SECONDS} s,
 * once, for that chat only. A ticket is 256 random bits (base64url). The stream it opens ends when
 * the token it was issued for expires.
 *
 * <p>Tickets live in this instance's memory (a second instance does not know them: with several
 * instances, the ticket request and the stream must reach the same one) and at most
 * {@value #MAX_TICKETS} exist at once; beyond, a request for one is 429 {@code TOO_MANY_STREAMS}.
 */
@ApplicationScoped
public class EventTickets {
    public static final int VALIDITY_SECONDS = 30;
    public static final int MAX_TICKETS = 10_000;
    private static final Duration VALIDITY = Duration.ofSeconds(VALIDITY_SECONDS);

    private record Ticket(Caller caller, ChatId chat, Instant expires) {
    }

    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final Clock clock;
    private final RandomGenerator random;
    private final int maxTickets;

    protected EventTickets() {
        this.clock = null; // CDI proxy only
        this.random = null;
        this.maxTickets = 0;
    }

    @Inject
    public EventTickets(Clock clock) {
        this(clock, new SecureRandom(), MAX_TICKETS);
    }

    public EventTickets(Clock clock, RandomGenerator random, int maxTickets) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.maxTickets = maxTickets;
    }

    /** A new ticket for {@code caller}'s stream of {@code chat} (ownership already checked). */
    public String issue(Caller caller, ChatId chat) {
        Instant now = clock.instant();
        if (tickets.size() >= maxTickets) {
            tickets.values().removeIf(t -> !now.isBefore(t.expires()));
            if (tickets.size() >= maxTickets) {
                throw new TooManyStreamsException("the server holds " + maxTickets + " unredeemed event tickets");
            }
        }
        byte[] bits = new byte[32];
        random.nextBytes(bits);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        tickets.put(ticket, new Ticket(caller, chat, now.plus(VALIDITY)));
        return ticket;
    }

    /**
     * The caller of {@code ticket} if it is unused, unexpired and for {@code chat}. Any redemption uses
     * the ticket up, whether it succeeds or not.
     */
    public Optional<Caller> redeem(String ticket, ChatId chat) {
        Ticket found = ticket == null ? null : tickets.remove(ticket);
        if (found == null || !found.chat().equals(chat) || !clock.instant().isBefore(found.expires())) {
            return Optional.empty();
        }
        return Optional.of(found.caller());
    }

    /** Unredeemed tickets held now (expired ones included until the next purge). */
    public int held() {
        return tickets.size();
    }
}
