package dev.parley.persistence.migration;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date with Flyway when the application starts, before it serves a
 * request; a failure stops the application's start. The migrations live in {@code db/migration} of
 * this module and run as the connection's user in its current schema. {@link #completed()} says
 * whether that has happened (the startup health check reports it).
 *
 * <p>When the data source says that no database is configured (it has logged the one line naming
 * the setting), the start fails with {@link DatabaseNotConfigured}, which carries no stack trace and
 * no cause, instead of Flyway's exception chain.
 */
@ApplicationScoped
public class DatabaseMigrator {
    private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class.getName());

    @Resource(lookup = "jdbc/parley")
    DataSource dataSource;

    private volatile MigrateResult completed;

    void migrateOnStartup(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        MigrateResult result;
        try {
            result = migrate(dataSource);
        } catch (RuntimeException e) {
            throw DatabaseNotConfigured.in(e).map(RuntimeException.class::cast).orElse(e);
        }
        completed = result;
        LOG.info(() -> "{\"event\":\"db_migrated\",\"migrationsExecuted\":" + result.migrationsExecuted
                + ",\"schemaVersion\":\"" + result.targetSchemaVersion + "\"}");
    }

    /** The result of the startup migration once it has finished; empty before (or if it failed). */
    public Optional<MigrateResult> completed() {
        return Optional.ofNullable(completed);
    }

    /** Applies the pending migrations to {@code dataSource}; usable outside the container (tests). */
    public static MigrateResult migrate(DataSource dataSource) {
        return Flyway.configure(DatabaseMigrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
