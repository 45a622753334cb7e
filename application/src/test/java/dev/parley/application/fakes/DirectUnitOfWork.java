package dev.parley.application.fakes;

import dev.parley.domain.common.UnitOfWork;
import java.util.function.Supplier;

/** Runs the work directly; the in-memory fakes need no transaction. */
public final class DirectUnitOfWork implements UnitOfWork {
    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return work.get();
    }
}
