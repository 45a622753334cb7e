package dev.parley.persistence.health;

import dev.parley.persistence.migration.DatabaseMigrator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Startup check {@value #NAME}: UP once {@link DatabaseMigrator} has brought the schema up to date
 * (data: the schema version and how many migrations this start applied), DOWN before. A failed
 * migration stops the deployment, so it never turns UP then.
 */
@Startup
@ApplicationScoped
public class MigrationStartupCheck implements HealthCheck {
    static final String NAME = "database-migrations";

    @Inject
    DatabaseMigrator migrator;

    @Override
    public HealthCheckResponse call() {
        return migrator.completed()
                .map(result -> {
                    String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                            : result.initialSchemaVersion;
                    return HealthCheckResponse.named(NAME).up()
                            .withData("schemaVersion", String.valueOf(version))
                            .withData("migrationsExecuted", result.migrationsExecuted).build();
                })
                .orElseGet(() -> HealthCheckResponse.named(NAME).down().withData("state", "pending").build());
    }
}
