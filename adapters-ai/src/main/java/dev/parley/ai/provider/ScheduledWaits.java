package dev.parley.ai.provider;

import dev.parley.domain.resilience.Scheduler;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The domain's {@link Scheduler} on a (container-managed) scheduled executor: how the providers wait. */
public final class ScheduledWaits {
    private ScheduledWaits() {
    }

    /** Waits on {@code executor}; cancelling stops a task that has not started. */
    public static Scheduler on(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return (delay, task) -> {
            ScheduledFuture<?> scheduled = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> scheduled.cancel(false);
        };
    }
}
