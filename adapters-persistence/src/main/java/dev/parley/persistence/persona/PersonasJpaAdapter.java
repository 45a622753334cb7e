package dev.parley.persistence.persona;

import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.persona.Personas;
import dev.parley.persistence.tx.TransactionReads;
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
    private TransactionReads reads;

    protected PersonasJpaAdapter() {
        // for CDI proxies
    }

    /** Keeps nothing across calls ({@link TransactionReads#NONE}). */
    public PersonasJpaAdapter(EntityManager em) {
        this(em, TransactionReads.NONE);
    }

    @Inject
    public PersonasJpaAdapter(EntityManager em, TransactionReads reads) {
        this.em = em;
        this.reads = reads;
    }

    /** Where a persona read with its chat is kept for the rest of the transaction. */
    public static TransactionReads.Key key(PersonaId id) {
        return new TransactionReads.Key("persona", id.value());
    }

    @Override
    public List<Persona> all() {
        return em.createQuery("select p from PersonaJpaEntity p order by p.name", PersonaJpaEntity.class)
                .getResultStream()
                .map(PersonaJpaEntity::toDomain)
                .toList();
    }

    /** The persona; the one read with a chat in this transaction if there is one (ConversationsJpaAdapter.find). */
    @Override
    public Optional<Persona> find(PersonaId id) {
        Optional<Persona> kept = reads.kept(key(id), Persona.class);
        if (kept.isPresent()) {
            return kept;
        }
        return Optional.ofNullable(em.find(PersonaJpaEntity.class, id.value())).map(PersonaJpaEntity::toDomain);
    }
}
