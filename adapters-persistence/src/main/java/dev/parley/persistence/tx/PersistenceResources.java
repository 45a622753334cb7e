package dev.parley.persistence.tx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * Makes the container-managed, transaction-scoped {@link EntityManager} of the {@code parley}
 * persistence unit injectable, so the adapters can take it as a constructor argument (and tests can
 * hand them one of their own).
 */
@ApplicationScoped
public class PersistenceResources {
    @Produces
    @PersistenceContext(unitName = "parley")
    EntityManager entityManager;
}
