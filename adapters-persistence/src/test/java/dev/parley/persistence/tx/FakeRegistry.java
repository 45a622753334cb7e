package dev.parley.persistence.tx;

import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.HashMap;
import java.util.Map;

/** A {@link TransactionSynchronizationRegistry} of one transaction at a time, begun and ended by the test. */
public final class FakeRegistry implements TransactionSynchronizationRegistry {
    private Object transaction;
    private final Map<Object, Object> resources = new HashMap<>();

    /** Reads that keep what they read in this registry's transaction. */
    public static TransactionReads readsOn(FakeRegistry registry) {
        TransactionReads reads = new TransactionReads();
        reads.registry = registry;
        return reads;
    }

    public void begin() {
        transaction = new Object();
        resources.clear();
    }

    public void end() {
        transaction = null;
        resources.clear();
    }

    @Override
    public Object getTransactionKey() {
        return transaction;
    }

    @Override
    public void putResource(Object key, Object value) {
        if (transaction == null) {
            throw new IllegalStateException("no transaction");
        }
        resources.put(key, value);
    }

    @Override
    public Object getResource(Object key) {
        if (transaction == null) {
            throw new IllegalStateException("no transaction");
        }
        return resources.get(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int getTransactionStatus() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setRollbackOnly() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean getRollbackOnly() {
        throw new UnsupportedOperationException();
    }
}
