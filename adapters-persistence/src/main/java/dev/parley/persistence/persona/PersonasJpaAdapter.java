package dev.parley.persistence.persona;

import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.persona.Personas;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** {@link Personas} over JPA. */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class PersonasJpaAdapter implements Personas {
    private EntityManager em;

    protected PersonasJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public PersonasJpaAdapter(EntityManager em) {
        this.em = em;
    }

    @Override
    public List<Persona> all() {
        return em.createQuery("select p from PersonaJpaEntity p order by p.name", PersonaJpaEntity.class)
                .getResultStream()
                .map(PersonaJpaEntity::toDomain)
                .toList();
    }

    @Override
    public Optional<Persona> find(PersonaId id) {
        return Optional.ofNullable(em.find(PersonaJpaEntity.class, id.value())).map(PersonaJpaEntity::toDomain);
    }
}
