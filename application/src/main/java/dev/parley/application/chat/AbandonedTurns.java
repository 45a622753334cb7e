package dev.parley.application.chat;

import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.chat.Turn;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pending turns whose request, on this instance, ended without its final write landing (the
 * database was away): no request works on them any more, so a retry with the same key may take them
 * over at once instead of waiting for them to go stale. Each entry is the lease the request held; it
 * matches only while the stored turn still shows exactly that lease. In memory, per instance: another
 * instance does not know and waits for the stale age. Thread-safe.
 */
final class AbandonedTurns {
    private final ConcurrentHashMap<MessageId, Instant> leases = new ConcurrentHashMap<>();

    /** The request that held {@code held} has ended while the turn is still pending. */
    void abandon(Turn held) {
        leases.put(held.userMessage().id(), held.updatedAt());
    }

    /** Whether {@code stored} is a pending turn exactly as its request abandoned it. */
    boolean holds(Turn stored) {
        Objects.requireNonNull(stored, "stored");
        return stored.status() == MessageStatus.PENDING
                && stored.updatedAt().equals(leases.get(stored.userMessage().id()));
    }

    /** The turn was resolved (its final write landed or was refused) or given up. */
    void forget(Turn held) {
        leases.remove(held.userMessage().id(), held.updatedAt());
    }

    int size() {
        return leases.size();
    }
}
