package dev.parley.domain.user;

import java.util.Optional;

/** Port: reads users. */
public interface Users {
    Optional<User> find(UserId id);
}
