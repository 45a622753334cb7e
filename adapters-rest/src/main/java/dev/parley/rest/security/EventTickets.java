package dev.parley.rest.security;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.EventTicketStore;
import dev.parley.rest.chat.TooManyStreamsException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Single-use tickets for a chat's event stream, so that no token ever travels in a URL: an
 * authenticated owner of the chat gets one ({@code POST /api/chats/{chatId}/events/ticket}), and
 * {@code GET /api/chats/{chatId}/events?ticket=...} redeems it within {@value #VALIDITY_SECONDS} s,
 * once, for that chat only. A ticket is 256 random bits (base64url). The stream it opens ends when
 * the token it was issued for expires.
 *
 * <p>Tickets are kept in the shared {@link EventTicketStore} (PostgreSQL), as a SHA-256 hash only: a
 * ticket issued by one instance opens a stream on any other, once across the cluster (no sticky
 * sessions). At most {@value #MAX_TICKETS} unexpired tickets exist at once; beyond, a request for one is
 * 429 {@code TOO_MANY_STREAMS}.
 */
@ApplicationScoped
public class EventTickets {
    public static final int VALIDITY_SECONDS = 30;
    public static final int MAX_TICKETS = 10_000;
    private static final Duration VALIDITY = Duration.ofSeconds(VALIDITY_SECONDS);

    private final EventTicketStore store;
    private final RandomGenerator random;
    private final int maxTickets;

    protected EventTickets() {
        this.store = null; // CDI proxy only
        this.random = null;
        this.maxTickets = 0;
    }

    @Inject
    public EventTickets(EventTicketStore store) {
        this(store, new SecureRandom(), MAX_TICKETS);
    }

    public EventTickets(EventTicketStore store, RandomGenerator random, int maxTickets) {
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
        this.maxTickets = maxTickets;
    }

    /** A new ticket for {@code caller}'s stream of {@code chat} (ownership already checked). */
    public String issue(Caller caller, ChatId chat) {
        byte[] bits = new byte[32];
        random.nextBytes(bits);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        if (!store.keep(hash(ticket), caller.id(), chat, caller.validUntil(), VALIDITY, maxTickets)) {
            throw new TooManyStreamsException("the cluster holds " + maxTickets + " unredeemed event tickets");
        }
        return ticket;
    }

    /**
     * The caller of {@code ticket} if it is unused, unexpired and for {@code chat}. Any redemption uses
     * the ticket up, whether it succeeds or not, on whichever instance.
     */
    public Optional<Caller> redeem(String ticket, ChatId chat) {
        if (ticket == null || ticket.isEmpty() || ticket.length() > 100) {
            return Optional.empty();
        }
        return store.redeem(hash(ticket), chat)
                .map(redeemed -> new Caller(redeemed.user(), redeemed.credentialValidUntil()));
    }

    static byte[] hash(String ticket) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
