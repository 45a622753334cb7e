package dev.parley.application.user;

import dev.parley.domain.user.UserId;

/**
 * Turns an authenticated identity into the caller: the user of the token's subject, provisioned on
 * the subject's first request with the initial grant of tokens.
 */
public interface ResolveCallerUseCase {
    /** @throws dev.parley.domain.error.ParleyException UNAUTHENTICATED when the subject is not usable */
    UserId resolve(ResolveCallerCommand command);
}
