package dev.parley.rest.security;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.EventTicketStore;
import dev.parley.domain.user.UserId;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The ticket store's contract in memory, on a clock the test moves (the PostgreSQL one is tested in persistence). */
final class InMemoryTicketStore implements EventTicketStore {
    private record Kept(UserId user, ChatId chat, Instant validUntil, Instant expires) {
    }

    private final Map<ByteBuffer, Kept> kept = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemoryTicketStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized boolean keep(byte[] hash, UserId user, ChatId chatId, Instant credentialValidUntil,
            Duration validity, int maxHeld) {
        Instant now = clock.instant();
        if (kept.values().stream().filter(k -> now.isBefore(k.expires())).count() >= maxHeld) {
            return false;
        }
        purgeExpired();
        kept.put(ByteBuffer.wrap(hash.clone()), new Kept(user, chatId, credentialValidUntil, now.plus(validity)));
        return true;
    }

    @Override
    public Optional<Redeemed> redeem(byte[] hash, ChatId chatId) {
        Kept found = kept.remove(ByteBuffer.wrap(hash));
        if (found == null || !found.chat().equals(chatId) || !clock.instant().isBefore(found.expires())) {
            return Optional.empty();
        }
        return Optional.of(new Redeemed(found.user(), found.validUntil()));
    }

    @Override
    public synchronized int purgeExpired() {
        int before = kept.size();
        kept.values().removeIf(k -> !clock.instant().isBefore(k.expires()));
        return before - kept.size();
    }

    int held() {
        return kept.size();
    }

    List<byte[]> hashes() {
        return kept.keySet().stream().map(b -> b.array()).toList();
    }
}
