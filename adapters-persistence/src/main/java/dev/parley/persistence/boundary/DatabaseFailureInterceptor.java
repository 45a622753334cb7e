package dev.parley.persistence.boundary;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * The persistence adapters' boundary: an exception that means "the database is away" (see
 * {@link DatabaseFailures#isUnavailability(Throwable)}) leaves as a
 * {@link dev.parley.domain.error.ParleyException} with {@code DATABASE_UNAVAILABLE} and a short
 * retry hint; every other exception leaves unchanged.
 *
 * <p>It runs outside {@code @Transactional}'s interceptor (which has priority
 * {@code PLATFORM_BEFORE + 200}), so that a failed commit or rollback on a dead connection is
 * translated too, not only failures of the statements inside the transaction.
 */
@Interceptor
@TranslateDatabaseFailures
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class DatabaseFailureInterceptor {

    @AroundInvoke
    Object translate(InvocationContext invocation) throws Exception {
        try {
            return invocation.proceed();
        } catch (RuntimeException e) {
            throw DatabaseFailures.translate(e);
        }
    }
}
