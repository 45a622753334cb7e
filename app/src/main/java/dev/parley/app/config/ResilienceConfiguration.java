package dev.parley.app.config;

import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.EvictionPolicy;
import dev.parley.domain.breaker.SharedBreakers;
import dev.parley.domain.resilience.AttemptListener;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.persistence.fault.DatabaseFaults;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Random;
import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * Builds the resilience core from configuration ({@link ResilienceSettings}, docs/architecture.md#settings):
 * the per-chat breakers, the retry policy and the executor that combines them on the application's
 * {@link TimerScheduler} (created with this bean, stopped when the application stops).
 * Bad values fail the deployment at startup with the setting's name, not the first request.
 */
@ApplicationScoped
public class ResilienceConfiguration {
    @Resource
    ManagedThreadFactory threads;
    @Resource
    ManagedExecutorService executor;

    private TimerScheduler scheduler;

    @PostConstruct
    void createScheduler() {
        scheduler = new TimerScheduler(threads, executor);
    }

    /** After Housekeeping has cancelled its runs ({@code @BeforeDestroyed}); a pending wait is dropped. */
    @PreDestroy
    void stopScheduler() {
        scheduler.close();
    }

    // @Singleton, not @ApplicationScoped: these are final classes, which CDI cannot proxy
    @Produces
    @Singleton
    DatabaseFaults databaseFaults() {
        return new DatabaseFaults();
    }

    @Produces
    @Singleton
    GuardedExecutor guardedExecutor(Clock clock, BreakerListener transitions, RetryBudget.Listener budgetRefusals,
            @ConfigProperties ResilienceSettings settings, SharedBreakers shared) {
        // shared: the cluster's breakers (BreakerSharing), SharedBreakers.NONE when sharing is off;
        // one retry budget per instance: its ratio holds cluster-wide as it is (docs/scale-out.md)
        RetryBudget budget = new RetryBudget(settings.retryBudget(), clock, budgetRefusals);
        return new GuardedExecutor(new ChatBreakerRegistry(settings.breaker(), clock, transitions,
                EvictionPolicy.DEFAULTS, shared), settings.retry(), budget, scheduler, clock, new Random(),
                AttemptListener.NONE);
    }

    /** Creates the executor at startup, so a bad setting stops the deployment with its name. */
    void validateOnStartup(@Observes @Initialized(ApplicationScoped.class) Object ignored, GuardedExecutor guarded) {
        guarded.policy();
    }
}
