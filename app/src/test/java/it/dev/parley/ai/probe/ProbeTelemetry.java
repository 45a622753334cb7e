package it.dev.parley.ai.probe;

import dev.parley.telemetry.IdHasher;
import dev.parley.telemetry.JsonLogTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;

/**
 * The probe WAR's telemetry: the writer the application uses (the AI adapter needs a
 * {@code TelemetryEvents}), so its events reach {@code messages.log} exactly as in Parley.
 */
@ApplicationScoped
public class ProbeTelemetry {
    @Produces
    @Singleton
    JsonLogTelemetry telemetry() {
        return new JsonLogTelemetry(IdHasher.withSaltOrRandom(Optional.empty()), Clock.systemUTC());
    }
}
