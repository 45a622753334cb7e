package dev.parley.persistence.account;

import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** {@link Users} over JPA. */
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
}
