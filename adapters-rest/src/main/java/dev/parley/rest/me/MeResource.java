package dev.parley.rest.me;

import dev.parley.application.user.ViewProfileUseCase;
import dev.parley.domain.user.User;
import dev.parley.rest.security.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;

/** {@code GET /api/me}: the caller, with the token balance. */
@Path("me")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {
    public record MeJson(UUID id, String displayName, String locale, long tokenBalance) {
    }

    @Inject
    CurrentUser currentUser;
    @Inject
    ViewProfileUseCase viewProfile;

    @GET
    public MeJson me() {
        User user = viewProfile.view(currentUser.id());
        return new MeJson(user.id().value(), user.displayName(), user.locale(), user.tokenBalance());
    }
}
