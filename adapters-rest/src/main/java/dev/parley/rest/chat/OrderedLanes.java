package dev.parley.rest.chat;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks on an executor, never on the caller's thread, with the tasks of one key run one at a
 * time in the order they were submitted. Keys are spread over a fixed number of lanes, so a task
 * that blocks (a slow client's write) holds up only the keys of its lane. A failing task is logged
 * and the lane goes on. Thread-safe.
 */
final class OrderedLanes {
    private static final Logger LOG = Logger.getLogger(OrderedLanes.class.getName());

    private final Lane[] lanes;

    OrderedLanes(Executor executor, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane(executor);
        }
    }

    /** Runs the task after every task submitted earlier under the same key. Never throws. */
    void submit(Object key, Runnable task) {
        lanes[Math.floorMod(key.hashCode(), lanes.length)].submit(task);
    }

    private static final class Lane {
        private final Executor executor;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();

        Lane(Executor executor) {
            this.executor = executor;
        }

        void submit(Runnable task) {
            tasks.add(task);
            schedule();
        }

        private void schedule() {
            if (tasks.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException | IllegalStateException shuttingDown) {
                tasks.clear();
                draining.set(false);
                LOG.log(Level.FINE, "events dropped: the executor refused them", shuttingDown);
            }
        }

        private void drain() {
            try {
                for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "an event could not be delivered", e);
                    }
                }
            } finally {
                draining.set(false);
                schedule(); // a task added after the last poll and before the flag was cleared
            }
        }
    }
}
