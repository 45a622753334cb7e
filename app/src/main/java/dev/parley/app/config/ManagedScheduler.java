package dev.parley.app.config;

import dev.parley.domain.resilience.Scheduler;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The core's {@link Scheduler} on Liberty's managed scheduled executor: waits between attempts
 * hold no thread, and the task runs with the application's context (CDI, JNDI, transactions), so a
 * retried attempt can store its reply.
 */
final class ManagedScheduler implements Scheduler {
    private final ManagedScheduledExecutorService executor;

    ManagedScheduler(ManagedScheduledExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }
}
