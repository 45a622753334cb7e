package dev.parley.domain.resilience;

import java.time.Duration;

/**
 * Port: runs a task later without blocking the caller (an adapter backs it with a
 * {@code ScheduledExecutorService} or a container-managed one; tests use a manual fake that
 * advances a fake clock). This is how the core waits.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Runs {@code task} once, {@code delay} from now (never negative; zero means as soon as possible),
     * on a thread of the scheduler's choice, never synchronously inside this call.
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** Handle of a scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        /** Prevents the task from running if it has not started; harmless otherwise. */
        void cancel();
    }
}
