package dev.parley.persistence.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.persistence.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.Statement;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class DatabaseMigratorTest {

    @Test
    void theMigrationsRunAsARoleThatIsNoSuperuserAndOwnsOnlyItsSchema() throws SQLException, java.io.IOException {
        // the embedded database's layout (server-jdbc EmbeddedSetup): a role owning one schema of a database
        PGSimpleDataSource superuser = (PGSimpleDataSource) PostgresFixture.dataSource();
        try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
            s.execute("create role migrator login nosuperuser nocreatedb nocreaterole password 'pw'");
            s.execute("create database migrated");
        }
        PGSimpleDataSource inMigrated = new PGSimpleDataSource();
        inMigrated.setURL(superuser.getURL().replace("/postgres", "/migrated"));
        inMigrated.setUser("postgres");
        try (Connection c = inMigrated.getConnection(); Statement s = c.createStatement()) {
            s.execute("create schema app authorization migrator");
            s.execute("alter role migrator set search_path = app");
        }
        inMigrated.setUser("migrator");
        inMigrated.setPassword("pw");

        MigrateResult result = DatabaseMigrator.migrate(inMigrated);

        assertThat(result.migrationsExecuted).as("every migration of src/main/resources/db/migration")
                .isEqualTo(migrationScripts());
        try (Connection c = inMigrated.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select string_agg(distinct schemaname || ':' || tableowner, ','),"
                        + " (select count(*) from app.personas) from pg_tables where tablename in"
                        + " ('users', 'personas', 'chats', 'messages', 'token_ledger', 'flyway_schema_history')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("app:migrator");
            assertThat(rs.getLong(2)).isEqualTo(2);
        }
    }

    @Test
    void aDataSourceWithoutADatabaseStopsTheStartWithItsOwnMessageOnly() {
        SQLException refused = new SQLNonTransientException("Parley cannot start: set parley.db.url", "F0000");
        SQLException liberty = new SQLException(refused.getMessage() + " DSRA0010E: SQL State = F0000", "F0000", refused);
        RuntimeException flyway = new IllegalStateException("Unable to obtain connection", new RuntimeException(liberty));

        assertThat(DatabaseNotConfigured.in(flyway)).hasValueSatisfying(e -> {
            assertThat(e).hasMessage("Parley cannot start: set parley.db.url").hasNoCause();
            assertThat(e.getStackTrace()).isEmpty();
        });
        assertThat(DatabaseNotConfigured.in(new IllegalStateException(new SQLException("refused", "08001")))).isEmpty();
    }

    /** The versioned migrations this module ships (the test runs in the module's directory). */
    private static int migrationScripts() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return (int) files.filter(f -> f.getFileName().toString().matches("V.+__.+\\.sql")).count();
        }
    }
}
