package dev.parley.app.config;

import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.resilience.AttemptListener;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.persistence.fault.DatabaseFaults;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the resilience core from configuration (see docs/architecture.md): the per-chat breakers,
 * the retry policy and the executor that combines them on Liberty's scheduler.
 * Bad values fail the deployment at startup with the setting's name, not the first request.
 */
@ApplicationScoped
public class ResilienceConfiguration {
    @Resource
    ManagedScheduledExecutorService executor;

    // @Singleton, not @ApplicationScoped: these are final classes, which CDI cannot proxy
    @Produces
    @Singleton
    DatabaseFaults databaseFaults() {
        return new DatabaseFaults();
    }

    @Produces
    @Singleton
    GuardedExecutor guardedExecutor(Clock clock, BreakerListener transitions,
            @ConfigProperty(name = "parley.breaker.failure-threshold", defaultValue = "5") int failureThreshold,
            @ConfigProperty(name = "parley.breaker.open-duration-ms", defaultValue = "30000") long openDurationMs,
            @ConfigProperty(name = "parley.breaker.half-open-permits", defaultValue = "1") int halfOpenPermits,
            @ConfigProperty(name = "parley.retry.max-attempts", defaultValue = "4") int maxAttempts,
            @ConfigProperty(name = "parley.retry.backoff-base-ms", defaultValue = "1000") long backoffBaseMs,
            @ConfigProperty(name = "parley.retry.backoff-cap-ms", defaultValue = "10000") long backoffCapMs,
            @ConfigProperty(name = "parley.retry.jitter", defaultValue = "0") double jitter,
            @ConfigProperty(name = "parley.retry.deadline-ms", defaultValue = "25000") long deadlineMs) {
        BreakerConfig breaker = setting("parley.breaker.*",
                () -> new BreakerConfig(failureThreshold, Duration.ofMillis(openDurationMs), halfOpenPermits));
        RetryPolicy retry = setting("parley.retry.*", () -> new RetryPolicy(maxAttempts,
                Duration.ofMillis(backoffBaseMs), 2.0, Duration.ofMillis(Math.max(backoffCapMs, backoffBaseMs)),
                jitter, Duration.ofMillis(deadlineMs)));
        return new GuardedExecutor(new ChatBreakerRegistry(breaker, clock, transitions), retry,
                new ManagedScheduler(executor), clock, new Random(), AttemptListener.NONE);
    }

    /** Creates the executor at startup, so a bad setting stops the deployment with its name. */
    void validateOnStartup(@Observes @Initialized(ApplicationScoped.class) Object ignored, GuardedExecutor guarded) {
        guarded.policy();
    }

    private static <T> T setting(String names, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + names + " setting: " + e.getMessage(), e);
        }
    }
}
