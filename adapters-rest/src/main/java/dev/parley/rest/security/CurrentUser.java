package dev.parley.rest.security;

import dev.parley.domain.user.UserId;

/**
 * The seam between transport and identity: who is calling. Resources ask it for the caller and pass
 * the id into use cases, so real authentication replaces the implementation without touching a use
 * case.
 */
public interface CurrentUser {
    UserId id();
}
