package dev.parley.rest.chat;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks on an executor, never on the caller's thread, with the tasks of one key run one at a
 * time in the order they were submitted. Every key has a lane of its own while it has tasks (a lane
 * is dropped once drained), so a task that blocks (a client that stopped reading) holds up only its
 * own key, never another one. A failing task is logged and the lane goes on. Thread-safe.
 */
final class OrderedLanes {
    private static final Logger LOG = Logger.getLogger(OrderedLanes.class.getName());

    private final Executor executor;
    private final ConcurrentMap<Object, Lane> lanes = new ConcurrentHashMap<>();

    OrderedLanes(Executor executor) {
        this.executor = executor;
    }

    /** Runs the task after every task submitted earlier under the same key. Never throws. */
    void submit(Object key, Runnable task) {
        Lane lane = lanes.compute(key, (k, existing) -> {
            Lane l = existing != null ? existing : new Lane(k);
            l.tasks.add(task); // inside compute: a drained lane cannot be dropped between lookup and add
            return l;
        });
        lane.schedule();
    }

    /** How many keys have a lane (tasks queued or running), for tests. */
    int lanes() {
        return lanes.size();
    }

    private final class Lane {
        private final Object key;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();

        Lane(Object key) {
            this.key = key;
        }

        void schedule() {
            if (tasks.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException | IllegalStateException shuttingDown) {
                tasks.clear();
                draining.set(false);
                lanes.remove(key, this);
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
                // dropped only when idle: submit adds inside compute, so no task can slip in unseen
                lanes.computeIfPresent(key, (k, l) -> l == this && tasks.isEmpty() && !draining.get() ? null : l);
                schedule(); // a task added after the last poll and before the flag was cleared
            }
        }
    }
}
