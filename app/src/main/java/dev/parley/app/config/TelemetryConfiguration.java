package dev.parley.app.config;

import dev.parley.domain.telemetry.TelemetryEvents;
import dev.parley.telemetry.GenerationEvents;
import dev.parley.telemetry.IdHasher;
import dev.parley.telemetry.JsonLogTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one telemetry writer every adapter and the core report to ({@link TelemetryEvents}: JSON
 * lines on {@code parley.telemetry}), salted with {@code parley.telemetry.salt} (random per start
 * when unset), and the generation/breaker reports mapped onto it.
 */
@ApplicationScoped
public class TelemetryConfiguration {

    // @Singleton, not @ApplicationScoped: these are final classes, which CDI cannot proxy
    @Produces
    @Singleton
    JsonLogTelemetry telemetryEvents(Clock clock,
            @ConfigProperty(name = "parley.telemetry.salt") Optional<String> salt) {
        return new JsonLogTelemetry(IdHasher.withSaltOrRandom(salt), clock);
    }

    /** The send-a-message use case's {@code GenerationTelemetry} and the breakers' {@code BreakerListener}. */
    @Produces
    @Singleton
    GenerationEvents generationEvents(TelemetryEvents events) {
        return new GenerationEvents(events);
    }
}
