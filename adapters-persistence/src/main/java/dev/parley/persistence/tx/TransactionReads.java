package dev.parley.persistence.tx;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Optional;

/**
 * Rows a JTA transaction has read already, kept for the rest of that transaction only (the
 * transaction's own resources, {@link TransactionSynchronizationRegistry}): a turn reads its chat
 * together with the chat's persona and the owner's balance in one statement, and the persona and
 * balance ports then answer from here instead of asking again. Outside a transaction (or without a
 * container, {@link #NONE}) nothing is kept and every lookup misses. A value that the transaction
 * changes must be forgotten by whoever changes it.
 */
@ApplicationScoped
public class TransactionReads {
    /** Keeps nothing. */
    public static final TransactionReads NONE = new TransactionReads();

    /** What is kept: a kind of row and its key. */
    public record Key(String kind, Object id) {
    }

    @Resource
    TransactionSynchronizationRegistry registry;

    /** Keeps {@code value} under {@code key} until the current transaction ends (nothing outside one). */
    public void keep(Key key, Object value) {
        if (active()) {
            registry.putResource(key, value);
        }
    }

    /** What the current transaction kept under {@code key}. */
    public <T> Optional<T> kept(Key key, Class<T> type) {
        if (!active()) {
            return Optional.empty();
        }
        Object value = registry.getResource(key);
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    /** Forgets {@code key} for the rest of the current transaction. */
    public void forget(Key key) {
        if (active()) {
            registry.putResource(key, null);
        }
    }

    private boolean active() {
        return registry != null && registry.getTransactionKey() != null;
    }
}
