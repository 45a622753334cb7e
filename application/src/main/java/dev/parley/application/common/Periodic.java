package dev.parley.application.common;

import dev.parley.domain.resilience.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a task every {@code period} on the core's {@link Scheduler} (each run schedules the next, so
 * runs never overlap and no thread waits in between). A run that throws is reported to
 * {@code onFailure} and does not stop the next ones. Thread-safe.
 */
public final class Periodic implements Scheduler.Cancellable {
    private final Scheduler scheduler;
    private final Duration period;
    private final Runnable task;
    private final Consumer<RuntimeException> onFailure;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Scheduler.Cancellable next;

    private Periodic(Scheduler scheduler, Duration period, Runnable task, Consumer<RuntimeException> onFailure) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.period = Objects.requireNonNull(period, "period");
        this.task = Objects.requireNonNull(task, "task");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
    }

    /** Starts running {@code task} every {@code period}, the first run one period from now. */
    public static Periodic every(Duration period, Scheduler scheduler, Runnable task,
            Consumer<RuntimeException> onFailure) {
        Periodic periodic = new Periodic(scheduler, period, task, onFailure);
        periodic.scheduleNext();
        return periodic;
    }

    /** No run starts after this returns (one already running finishes). */
    @Override
    public void cancel() {
        stopped.set(true);
        Scheduler.Cancellable pending = next;
        if (pending != null) {
            pending.cancel();
        }
    }

    private void scheduleNext() {
        if (!stopped.get()) {
            next = scheduler.schedule(period, this::run);
        }
    }

    private void run() {
        if (stopped.get()) {
            return;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            onFailure.accept(e);
        } finally {
            scheduleNext();
        }
    }
}
