package dev.parley.persistence.account;

import dev.parley.domain.user.Subject;
import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserProfile;
import dev.parley.domain.user.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link Users} over JPA. Provisioning relies on the unique index on {@code users.subject}: the
 * common case (a known subject) is one select; a first request inserts with
 * {@code on conflict (subject) do nothing}, so of concurrent first requests exactly one creates the
 * user (and its initial grant) and every one reads the winner's id.
 */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class UsersJpaAdapter implements Users {
    private EntityManager em;

    protected UsersJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public UsersJpaAdapter(EntityManager em) {
        this.em = em;
    }

    @Override
    public Optional<User> find(UserId id) {
        return Optional.ofNullable(em.find(UserJpaEntity.class, id.value())).map(UserJpaEntity::toDomain);
    }

    @Override
    public UserId provision(Subject subject, UserProfile profile, long initialGrant, UserId newId) {
        Optional<UUID> known = idOf(subject);
        if (known.isPresent()) {
            return new UserId(known.get());
        }
        em.createNativeQuery("insert into users (id, subject, display_name, locale, token_balance)"
                        + " values (?, ?, ?, ?, ?) on conflict (subject) do nothing")
                .setParameter(1, newId.value())
                .setParameter(2, subject.value())
                .setParameter(3, profile.displayName())
                .setParameter(4, profile.locale())
                .setParameter(5, initialGrant)
                .executeUpdate();
        return new UserId(idOf(subject).orElseThrow(
                () -> new IllegalStateException("the user of a subject vanished right after its insert")));
    }

    private Optional<UUID> idOf(Subject subject) {
        List<UUID> ids = em.createQuery("select u.id from UserJpaEntity u where u.subject = :subject", UUID.class)
                .setParameter("subject", subject.value())
                .getResultList();
        return ids.stream().findFirst();
    }
}
