package dev.parley.domain.common;

import java.util.function.Supplier;

/**
 * Port: runs work atomically. Everything the work does through the persistence ports commits
 * together or not at all.
 */
public interface UnitOfWork {
    <T> T inTransaction(Supplier<T> work);
}
