package dev.parley.persistence;

import dev.parley.persistence.migration.DatabaseMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for the persistence tests: one embedded server per test JVM, migrated with the
 * production Flyway migrations, and a resource-local entity manager factory with the production
 * mappings.
 */
public final class PostgresFixture {
    private static EmbeddedPostgres postgres;
    private static EntityManagerFactory emf;

    private PostgresFixture() {
    }

    public static synchronized DataSource dataSource() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            DatabaseMigrator.migrate(postgres.getPostgresDatabase());
        }
        return postgres.getPostgresDatabase();
    }

    /** A JDBC URL of the embedded server itself (user {@code postgres}, no password), for direct connections. */
    public static synchronized String jdbcUrl() {
        dataSource();
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public static synchronized EntityManagerFactory emf() {
        if (emf == null) {
            emf = Persistence.createEntityManagerFactory("parley-test",
                    Map.of("jakarta.persistence.nonJtaDataSource", dataSource()));
        }
        return emf;
    }

    /** Runs {@code work} in its own resource-local transaction, rolling back if it throws. */
    public static <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = emf().createEntityManager();
        EntityTransaction tx = em.getTransaction();
        tx.begin();
        try {
            T result = work.apply(em);
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            if (tx.isActive()) {
                tx.rollback();
            }
            throw e;
        } finally {
            em.close();
        }
    }
}
