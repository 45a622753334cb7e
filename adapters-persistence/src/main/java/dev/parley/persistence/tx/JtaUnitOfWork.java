package dev.parley.persistence.tx;

import dev.parley.domain.common.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.function.Supplier;

/**
 * {@link UnitOfWork} as one JTA transaction: the JPA adapters join it, and an unchecked exception
 * thrown by the work rolls everything back.
 */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
public class JtaUnitOfWork implements UnitOfWork {
    @Override
    @Transactional(Transactional.TxType.REQUIRED)
    public <T> T inTransaction(Supplier<T> work) {
        return work.get();
    }
}
