package dev.parley.rest.security;

import dev.parley.domain.user.UserId;

/**
 * The seam between transport and identity: who is calling. Resources ask it for the caller and pass
 * the id into use cases; {@link AuthenticatedCaller} answers from the request's verified token.
 */
public interface CurrentUser {
    UserId id();

    /** The caller with the validity of their credential. */
    Caller caller();
}
