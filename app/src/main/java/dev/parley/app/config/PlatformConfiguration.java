package dev.parley.app.config;

import dev.parley.domain.common.IdGenerator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.util.UUID;

/** The platform the core is given: the wall clock (UTC) and random UUIDs. */
@ApplicationScoped
public class PlatformConfiguration {
    @Produces
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    IdGenerator ids() {
        return UUID::randomUUID;
    }
}
