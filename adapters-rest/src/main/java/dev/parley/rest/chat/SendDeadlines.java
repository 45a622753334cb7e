package dev.parley.rest.chat;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The longest a send is kept open ({@link #SEND_TIMEOUT}), for all sends by one sweeper that runs
 * every {@link #SWEEP_EVERY}, instead of a timer per request ({@code AsyncResponse.setTimeout}, which
 * RESTEasy schedules on the container's managed scheduler, whose every {@code schedule} call walks
 * all of its outstanding timers: docs/benchmarks.md#end-to-end-turns). Every send gets the same
 * timeout, so the deadlines arrive in order and a FIFO queue is enough: registering is an append,
 * answering clears the entry's action (the entry itself leaves the queue when its deadline passes),
 * and a sweep only looks at the entries whose time is up. A send is answered at most
 * {@code SEND_TIMEOUT + SWEEP_EVERY} after it arrived.
 */
@ApplicationScoped
public class SendDeadlines {
    /** The server never keeps a send open much longer than this (the retry deadline is shorter). */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    static final Duration SWEEP_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(SendDeadlines.class.getName());

    private final Queue<Deadline> pending = new ConcurrentLinkedQueue<>();
    private final LongSupplier nanoTime;
    private final long timeoutNanos;

    @Resource
    ManagedScheduledExecutorService executor;
    private ScheduledFuture<?> sweeper;

    public SendDeadlines() {
        this(System::nanoTime, SEND_TIMEOUT);
    }

    SendDeadlines(LongSupplier nanoTime, Duration timeout) {
        this.nanoTime = nanoTime;
        this.timeoutNanos = timeout.toNanos();
    }

    @PostConstruct
    void start() {
        long every = SWEEP_EVERY.toMillis();
        sweeper = executor.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
    }

    /**
     * Runs {@code onTimeout} once the timeout has passed, unless the returned deadline is
     * {@link Deadline#met() met} first; exactly one of the two wins.
     */
    Deadline watch(Runnable onTimeout) {
        Deadline deadline = new Deadline(nanoTime.getAsLong() + timeoutNanos, onTimeout);
        pending.add(deadline);
        return deadline;
    }

    /** Times out every send whose deadline has passed; never throws. */
    void sweep() {
        long now = nanoTime.getAsLong();
        for (Deadline head = pending.peek(); head != null && now - head.at >= 0; head = pending.peek()) {
            pending.poll();
            Runnable late = head.onTimeout.getAndSet(null);
            if (late != null) {
                try {
                    late.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "answering a send that timed out failed", e);
                }
            }
        }
    }

    /** Sends registered and not yet swept (answered ones included); for tests. */
    int size() {
        return pending.size();
    }

    /** One send's deadline. */
    static final class Deadline {
        private final long at;
        private final AtomicReference<Runnable> onTimeout;

        private Deadline(long at, Runnable onTimeout) {
            this.at = at;
            this.onTimeout = new AtomicReference<>(onTimeout);
        }

        /**
         * The send is answered in time: its timeout will not run. False if the timeout ran (or runs)
         * first, and the caller must not answer.
         */
        boolean met() {
            return onTimeout.getAndSet(null) != null;
        }
    }
}
