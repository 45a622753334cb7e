package dev.parley.rest.security;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.user.UserId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The caller {@link BearerAuthentication} established for this request (from a verified bearer token
 * or an event-stream ticket). A request that reached a resource without one is refused as
 * UNAUTHENTICATED rather than served as nobody.
 */
@RequestScoped
public class AuthenticatedCaller implements CurrentUser {
    @Inject
    HttpServletRequest request;

    @Override
    public UserId id() {
        return caller().id();
    }

    @Override
    public Caller caller() {
        if (request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller) {
            return caller;
        }
        throw new ParleyException(ErrorCode.UNAUTHENTICATED, "no authenticated caller");
    }
}
