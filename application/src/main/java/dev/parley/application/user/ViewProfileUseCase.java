package dev.parley.application.user;

import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;

/** Shows the caller's own profile: name, locale and token balance. */
public interface ViewProfileUseCase {
    /** @throws dev.parley.domain.error.ParleyException UNAUTHENTICATED when the user does not exist */
    User view(UserId caller);
}
