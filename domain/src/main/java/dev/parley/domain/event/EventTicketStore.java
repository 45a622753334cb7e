package dev.parley.domain.event;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.user.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where event-stream tickets are kept, shared by every instance: a ticket issued by one is redeemed by
 * any, once. Only a hash of each ticket is stored; validity is measured by the store's clock (the
 * database's), so the instances' clocks do not matter.
 */
public interface EventTicketStore {
    /** What a redeemed ticket stood for: the user, and until when the credential it was issued for is valid. */
    record Redeemed(UserId user, Instant credentialValidUntil) {
    }

    /**
     * Keeps a ticket for {@code validity}; false (nothing kept) when {@code maxHeld} unexpired tickets
     * are held already.
     */
    boolean keep(byte[] hash, UserId user, ChatId chatId, Instant credentialValidUntil, Duration validity,
            int maxHeld);

    /**
     * Uses the ticket up, whatever the outcome; its user if it was kept, unexpired and for {@code chatId}.
     */
    Optional<Redeemed> redeem(byte[] hash, ChatId chatId);

    /** Forgets expired tickets; returns how many. */
    int purgeExpired();
}
