package dev.parley.app.config;

import dev.parley.ai.provider.AiProviderSettings;
import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.telemetry.GenerationEvents;
import dev.parley.telemetry.IdHasher;
import dev.parley.telemetry.JsonLogTelemetry;
import dev.parley.telemetry.OpenTelemetryTurns;
import dev.parley.telemetry.TelemetryFanOut;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one telemetry writer every adapter and the core report to ({@link dev.parley.domain.telemetry.TelemetryEvents}:
 * JSON lines on {@code parley.telemetry}, or JSON records of their own with {@code parley.log.format=json}),
 * salted with {@code parley.telemetry.salt} (random per start when unset); the OpenTelemetry metrics
 * and spans on Liberty's {@link OpenTelemetry} (mpTelemetry; a no-op while {@code otel.sdk.disabled}
 * is true, the default); and the generation/breaker reports fanned out to both.
 */
@ApplicationScoped
public class TelemetryConfiguration {

    // @Singleton, not @ApplicationScoped: these are final classes, which CDI cannot proxy
    @Produces
    @Singleton
    JsonLogTelemetry telemetryEvents(Clock clock, OpenTelemetryTurns turns,
            @ConfigProperty(name = "parley.telemetry.salt") Optional<String> salt,
            @ConfigProperty(name = "parley.log.format", defaultValue = "simple") String format) {
        return new JsonLogTelemetry(IdHasher.withSaltOrRandom(salt), clock, JsonLogTelemetry.Format.of(format),
                turns::traceId);
    }

    /**
     * Metrics and spans of turns, attempts and breakers. The open-breaker gauge asks the executor's
     * registry at each export (through a provider: the executor itself needs these listeners); the
     * {@code gen_ai.*} metric names the provider as {@code parley.ai.provider} does.
     */
    @Produces
    @Singleton
    @Typed(OpenTelemetryTurns.class)
    OpenTelemetryTurns openTelemetryTurns(OpenTelemetry openTelemetry, Provider<GuardedExecutor> guarded,
            AiProviderSettings ai) {
        return new OpenTelemetryTurns(openTelemetry, () -> guarded.get().breakers().count(BreakerState.Kind.OPEN),
                ai.provider().settingValue());
    }

    @Produces
    @Singleton
    @Typed(GenerationEvents.class)
    GenerationEvents generationEvents(JsonLogTelemetry events) {
        return new GenerationEvents(events);
    }

    /** The retry budget's refusals: a JSON event per exhaustion and a counter per refused retry. */
    @Produces
    @Singleton
    RetryBudget.Listener retryBudgetListener(GenerationEvents events, OpenTelemetryTurns turns) {
        return TelemetryFanOut.budget(List.of(events, turns));
    }

    /** The send-a-message use case's {@code GenerationTelemetry} and the breakers' {@code BreakerListener}. */
    @Produces
    @Singleton
    TelemetryFanOut generationTelemetry(GenerationEvents events, OpenTelemetryTurns turns) {
        return new TelemetryFanOut(List.of(events, turns), List.of(events, turns));
    }
}
