package dev.parley.app.config;

import dev.parley.application.chat.SweepStaleTurnsUseCase;
import dev.parley.application.common.Periodic;
import dev.parley.application.limit.InMemoryUserQuotas;
import dev.parley.application.limit.SharedUserQuotas;
import dev.parley.domain.resilience.GuardedExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background work of the core, started with the application on the core's scheduler
 * ({@link GuardedExecutor#scheduler()}: no thread waits between runs) and stopped before it goes:
 * the sweep of stale turns every {@link #SWEEP_EVERY}, and the breaker registry's eviction of idle CLOSED breakers every
 * {@link #EVICT_EVERY} (without it, entries are only evicted when a failing chat touches the
 * registry), the per-user limits' eviction of idle users (event streams) and the deletion of the
 * sends that left the sliding minute (from the database) every {@link #EVICT_EVERY}. Starting
 * also creates the limits, so a bad {@code parley.limits.user.*} value stops the deployment with its
 * name. A failed run is logged and the next one runs anyway.
 */
@ApplicationScoped
public class Housekeeping {
    static final Duration SWEEP_EVERY = Duration.ofSeconds(5);
    static final Duration EVICT_EVERY = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    private volatile List<Periodic> running = List.of();

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored, SweepStaleTurnsUseCase sweep,
            GuardedExecutor guarded, InMemoryUserQuotas quotas, SharedUserQuotas sends) {
        var scheduler = guarded.scheduler();
        running = List.of(
                Periodic.every(SWEEP_EVERY, scheduler, sweep::sweep, e -> failed("stale-turn sweep", e)),
                Periodic.every(EVICT_EVERY, scheduler, guarded.breakers()::evictIdle,
                        e -> failed("breaker eviction", e)),
                Periodic.every(EVICT_EVERY, scheduler, quotas::evictIdle, e -> failed("user limits eviction", e)),
                Periodic.every(EVICT_EVERY, scheduler, sends::forgetOldSends, e -> failed("old sends deletion", e)));
    }

    /** Before the application's beans (and its persistence unit) go away, not after. */
    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        running.forEach(Periodic::cancel);
    }

    private static void failed(String what, RuntimeException e) {
        // the database away is expected now and then; the next run tries again
        LOG.log(Level.WARNING, what + " failed; next run in a moment: " + e);
    }
}
