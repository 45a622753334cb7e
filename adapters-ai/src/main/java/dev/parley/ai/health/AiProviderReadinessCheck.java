package dev.parley.ai.health;

import dev.parley.ai.openai.OpenAiConfiguration;
import dev.parley.ai.openai.ProviderCallStats;
import dev.parley.ai.provider.AiProvider;
import dev.parley.ai.provider.AiProviderSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@value #NAME}: always UP. A struggling AI provider must not take the instance
 * out of rotation: the per-chat breakers, the retries and the error catalogue already answer users
 * precisely, and every instance shares the same provider, so pulling one would only move the load.
 * The state is reported as data instead: the provider; for {@code openai} what
 * {@link ProviderCallStats} observed of the provider-wide breaker and the bulkhead (the latest
 * sighting of the breaker, calls in flight against the bulkhead's limits, refusals since start).
 */
@Readiness
@ApplicationScoped
public class AiProviderReadinessCheck implements HealthCheck {
    static final String NAME = "ai-provider";

    @Inject
    AiProviderSettings settings;

    @Inject
    ProviderCallStats stats;

    @Inject
    OpenAiConfiguration openAi;

    @Override
    public HealthCheckResponse call() {
        AiProvider provider = settings.provider();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up()
                .withData("provider", provider.settingValue());
        if (provider == AiProvider.LOCAL) {
            return response.withData("providerWideBreaker", "none (the local provider makes no remote calls)").build();
        }
        ProviderCallStats.Snapshot now = stats.snapshot();
        response.withData("breakerLastSeen", now.lastBreakerSighting()
                        .map(s -> s.what().name().toLowerCase(Locale.ROOT)).orElse("no calls yet"))
                .withData("callsInFlight", now.inFlight())
                .withData("bulkheadMaxConcurrent", openAi.maxConcurrentCalls())
                .withData("bulkheadMaxQueued", openAi.maxQueuedCalls())
                .withData("callsSucceeded", now.succeeded())
                .withData("callsFailed", now.failed())
                .withData("refusedByBreaker", now.refusedByBreaker())
                .withData("refusedByBulkhead", now.refusedByBulkhead());
        now.lastBreakerSighting().ifPresent(s -> response.withData("breakerLastSeenAt", s.at().toString()));
        return response.build();
    }
}
