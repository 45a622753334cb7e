package dev.parley.domain.testing;

import dev.parley.domain.resilience.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A scheduler that runs nothing by itself: tasks wait until the test moves time forward with
 * {@link #advance(Duration)} (or {@link #runUntilIdle()}), which sets the shared {@link MutableClock}
 * to each task's due time and runs it on the test thread, in due order.
 */
public final class ManualScheduler implements Scheduler {

    private final MutableClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final List<Duration> requestedDelays = new ArrayList<>();
    private long sequence;

    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    private final class Task implements Comparable<Task>, Cancellable {
        final Instant due;
        final long order = sequence++;
        final Runnable body;
        boolean cancelled;

        Task(Instant due, Runnable body) {
            this.due = due;
            this.body = body;
        }

        @Override
        public int compareTo(Task other) {
            int byTime = due.compareTo(other.due);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        requestedDelays.add(delay);
        Task scheduled = new Task(clock.instant().plus(delay), task);
        queue.add(scheduled);
        return scheduled;
    }

    /** Moves time forward by {@code by}, running every task that falls due on the way. */
    public void advance(Duration by) {
        Instant target = clock.instant().plus(by);
        for (Task next = pollDue(target); next != null; next = pollDue(target)) {
            if (next.due.isAfter(clock.instant())) {
                clock.set(next.due);
            }
            next.body.run();
        }
        if (target.isAfter(clock.instant())) {
            clock.set(target);
        }
    }

    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    /** Runs tasks (moving time to each) until none is left; fails after 10 000 to catch loops. */
    public void runUntilIdle() {
        for (int i = 0; i < 10_000; i++) {
            Task next;
            synchronized (this) {
                next = queue.poll();
            }
            if (next == null) {
                return;
            }
            if (next.due.isAfter(clock.instant())) {
                clock.set(next.due);
            }
            next.body.run();
        }
        throw new AssertionError("scheduler never became idle");
    }

    public synchronized int pendingTasks() {
        return queue.size();
    }

    /** Every delay ever asked for, in order. */
    public synchronized List<Duration> requestedDelays() {
        return List.copyOf(requestedDelays);
    }

    private synchronized Task pollDue(Instant target) {
        Task head = queue.peek();
        return head != null && !head.due.isAfter(target) ? queue.poll() : null;
    }
}
