package dev.parley.app.config;

import dev.parley.domain.resilience.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The core's {@link Scheduler}: one timer thread that only keeps time, and the work itself handed to
 * {@code work} (Liberty's managed executor), so a task runs with the application's context (CDI,
 * JNDI, transactions) and a slow task never delays the others. Waits hold no thread.
 *
 * <p>Not Liberty's {@code ManagedScheduledExecutorService}: its {@code schedule} walks all of its
 * outstanding futures on every call (to purge cancelled ones), and the core schedules one deadline
 * guard per attempt, so its cost grew with the requests in flight (docs/benchmarks.md#end-to-end-turns).
 * Here a schedule is O(log n) and a cancelled task leaves the queue at once
 * ({@link ScheduledThreadPoolExecutor#setRemoveOnCancelPolicy}). The timer thread comes from the
 * container's managed thread factory, so it carries the application's context too and stops with it.
 */
final class TimerScheduler implements Scheduler, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TimerScheduler.class.getName());

    private final ScheduledThreadPoolExecutor timer;
    private final Executor work;

    TimerScheduler(ThreadFactory timerThreads, Executor work) {
        this.work = work;
        this.timer = new ScheduledThreadPoolExecutor(1, timerThreads);
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(task);
        long nanos = Math.max(0, delay.toNanos());
        if (nanos == 0) {
            scheduled.handOff();
            return scheduled;
        }
        scheduled.timeout = timer.schedule(scheduled::handOff, nanos, TimeUnit.NANOSECONDS);
        return scheduled;
    }

    /** Stops the timer: no task starts after this (one already running finishes). */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    private final class Task implements Cancellable, Runnable {
        private final Runnable task;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Task(Runnable task) {
            this.task = task;
        }

        void handOff() {
            if (cancelled.get()) {
                return;
            }
            try {
                work.execute(this);
            } catch (RejectedExecutionException stopping) {
                LOG.log(Level.FINE, "a scheduled task was dropped: the application is stopping", stopping);
            }
        }

        @Override
        public void run() {
            if (!cancelled.get()) {
                task.run();
            }
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            ScheduledFuture<?> pending = timeout;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }
}
