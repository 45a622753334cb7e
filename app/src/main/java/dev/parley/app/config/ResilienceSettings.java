package dev.parley.app.config;

import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryPolicy;
import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The per-chat breaker and the retry policy as configured: {@code parley.breaker.*} and
 * {@code parley.retry.*} (README "Configuration"), bound by MicroProfile Config and turned into the
 * domain's {@link BreakerConfig} and {@link RetryPolicy}. An invalid combination fails with the
 * settings' names.
 */
@ConfigProperties(prefix = "parley")
@Dependent
public class ResilienceSettings {
    @ConfigProperty(name = "breaker.failure-threshold", defaultValue = "5")
    int failureThreshold;
    @ConfigProperty(name = "breaker.open-duration-ms", defaultValue = "30000")
    long openDurationMs;
    @ConfigProperty(name = "breaker.half-open-permits", defaultValue = "1")
    int halfOpenPermits;
    @ConfigProperty(name = "breaker.sync-interval-ms", defaultValue = "500")
    long breakerSyncIntervalMs;
    @ConfigProperty(name = "retry.max-attempts", defaultValue = "4")
    int maxAttempts;
    @ConfigProperty(name = "retry.backoff-base-ms", defaultValue = "1000")
    long backoffBaseMs;
    @ConfigProperty(name = "retry.backoff-cap-ms", defaultValue = "10000")
    long backoffCapMs;
    @ConfigProperty(name = "retry.jitter", defaultValue = "0")
    double jitter;
    @ConfigProperty(name = "retry.deadline-ms", defaultValue = "25000")
    long deadlineMs;
    @ConfigProperty(name = "retry.budget.ratio", defaultValue = "0.2")
    double budgetRatio;
    @ConfigProperty(name = "retry.budget.window-ms", defaultValue = "10000")
    long budgetWindowMs;
    @ConfigProperty(name = "retry.budget.min-per-second", defaultValue = "3")
    double budgetMinPerSecond;

    /** The breaker of every chat ({@code parley.breaker.*}). */
    public BreakerConfig breaker() {
        return valid("parley.breaker.*",
                () -> new BreakerConfig(failureThreshold, Duration.ofMillis(openDurationMs), halfOpenPermits));
    }

    /**
     * How often the instance reads the cluster's open breakers ({@code parley.breaker.sync-interval-ms});
     * zero: breakers are not shared, each instance has its own (docs/scale-out.md).
     */
    public Duration breakerSyncInterval() {
        return valid("parley.breaker.sync-interval-ms", () -> {
            if (breakerSyncIntervalMs < 0 || breakerSyncIntervalMs > 60_000) {
                throw new IllegalArgumentException("must be 0 (not shared) or 1..60000 ms: " + breakerSyncIntervalMs);
            }
            return Duration.ofMillis(breakerSyncIntervalMs);
        });
    }

    /** The retry policy of a turn ({@code parley.retry.*}); a cap below the base is raised to the base. */
    public RetryPolicy retry() {
        return valid("parley.retry.*", () -> new RetryPolicy(maxAttempts, Duration.ofMillis(backoffBaseMs), 2.0,
                Duration.ofMillis(Math.max(backoffCapMs, backoffBaseMs)), jitter, Duration.ofMillis(deadlineMs)));
    }

    /** The provider-wide retry budget ({@code parley.retry.budget.*}). */
    public RetryBudget.Config retryBudget() {
        return valid("parley.retry.budget.*", () -> new RetryBudget.Config(budgetRatio,
                Duration.ofMillis(budgetWindowMs), budgetMinPerSecond));
    }

    static <T> T valid(String names, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + names + " setting: " + e.getMessage(), e);
        }
    }
}
