package dev.parley.app.config;

import dev.parley.application.common.Periodic;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.SharedBreakers;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.persistence.breaker.JdbcSharedBreakers;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * One circuit breaker per chat across the instances (docs/scale-out.md): the chats' breakers are
 * shared through the {@code chat_breakers} table of the application's database, and every
 * {@code parley.breaker.sync-interval-ms} (500 ms) this instance reads the cluster's open breakers
 * ({@link ChatBreakerRegistry#synchronize()}, one query) on the core's scheduler; every
 * {@link #PURGE_EVERY} rows of chats quiet for {@link #QUIET_FOR} after their open time are deleted.
 * A probe claim holds for the request deadline ({@code parley.retry.deadline-ms}: no probe runs longer)
 * and a request waits at most {@link #CLAIM_WAIT} for it. With the interval 0 nothing is shared.
 * The database away is logged once when it goes and once when it is back; meanwhile the breakers
 * work per instance.
 */
@ApplicationScoped
public class BreakerSharing {
    static final Duration PURGE_EVERY = Duration.ofMinutes(1);
    static final Duration QUIET_FOR = Duration.ofMinutes(10);
    static final Duration CLAIM_WAIT = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(BreakerSharing.class.getName());

    @Resource(lookup = "jdbc/parley")
    DataSource database;
    @Resource
    ManagedExecutorService executor;

    private volatile List<Periodic> running = List.of();
    private volatile boolean unavailable;

    @Produces
    @Singleton
    SharedBreakers sharedBreakers(@ConfigProperties ResilienceSettings settings) {
        if (settings.breakerSyncInterval().isZero()) {
            return SharedBreakers.NONE;
        }
        return new JdbcSharedBreakers(database, executor, settings.retry().deadline(), CLAIM_WAIT);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored, GuardedExecutor guarded,
            SharedBreakers shared, @ConfigProperties ResilienceSettings settings) {
        if (!(shared instanceof JdbcSharedBreakers table)) {
            return;
        }
        ChatBreakerRegistry breakers = guarded.breakers();
        running = List.of(
                Periodic.every(settings.breakerSyncInterval(), guarded.scheduler(), () -> synchronize(breakers),
                        this::unavailable),
                Periodic.every(PURGE_EVERY, guarded.scheduler(), () -> table.purge(QUIET_FOR), this::unavailable));
    }

    /** Before the application's beans (and its data source) go away. */
    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        running.forEach(Periodic::cancel);
    }

    private void synchronize(ChatBreakerRegistry breakers) {
        breakers.synchronize();
        if (unavailable) {
            unavailable = false;
            LOG.info("shared breaker table reachable again: breakers are shared across the instances");
        }
    }

    private void unavailable(RuntimeException e) {
        if (!unavailable) {
            unavailable = true;
            LOG.log(Level.WARNING, "shared breaker table unavailable: each instance's breakers decide alone"
                    + " until it answers again: " + e);
        }
    }
}
