package dev.parley.domain.user;

import java.util.Optional;

/** Port: reads and provisions users. */
public interface Users {
    Optional<User> find(UserId id);

    /**
     * The user of {@code subject}, created on first sight with {@code profile} and a balance of
     * {@code initialGrant} tokens under the id {@code newId}. Exactly one user exists per subject even
     * when several first requests race: the store guarantees it (a unique subject), and each caller gets
     * the id of the one that won.
     */
    UserId provision(Subject subject, UserProfile profile, long initialGrant, UserId newId);
}
