package dev.parley.rest.security;

import dev.parley.domain.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /api/auth/dev-login}: the development sign-in. With
 * {@code parley.auth.dev-login.enabled=true} (the run command and the integration-test server; never a
 * packaged server by default) it answers {@code {"username":"alice"}} with a bearer token for the
 * subject {@code dev:alice}, signed with the key this application generated at start
 * ({@link DevLoginKey}), which the MicroProfile JWT feature trusts next to the configured issuer's
 * ({@link JwtKeysConfigSource}). Off, the address does not exist (404). There is no password: anyone who
 * can reach a server with it on can be anyone.
 */
@Path("auth/dev-login")
@RequestScoped
public class DevLoginResource {
    /** Looked up once: {@code Json.createX} looks the provider up on every call (a service-loader scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    public static final int MAX_USERNAME = 64;
    /** Lifetime of a development token. */
    public static final long EXPIRES_IN_SECONDS = 3600;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_USERNAME + "}");

    public record DevLoginRequest(String username) {
    }

    public record TokenJson(String accessToken, String tokenType, long expiresIn) {
    }

    @Inject
    AuthenticationSettings settings;
    @Inject
    Clock clock;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public TokenJson signIn(DevLoginRequest body) {
        if (!settings.devLoginEnabled()) {
            throw new NotFoundException();
        }
        String username = body == null ? null : body.username();
        if (username == null) {
            throw new ValidationException("username", ValidationException.Reason.REQUIRED);
        }
        if (username.length() > MAX_USERNAME) {
            throw new ValidationException("username", ValidationException.Reason.TOO_LONG, MAX_USERNAME);
        }
        if (!USERNAME.matcher(username).matches()) {
            throw new ValidationException("username", ValidationException.Reason.MALFORMED);
        }
        long now = clock.instant().getEpochSecond();
        String token = DevLoginKey.instance().sign(JSON.createObjectBuilder()
                .add("iss", settings.devIssuer())
                .add("sub", "dev:" + username)
                .add("upn", username)
                .add("preferred_username", username)
                .add("name", username)
                .add("groups", JSON.createArrayBuilder().add("user"))
                .add("iat", now)
                .add("exp", now + EXPIRES_IN_SECONDS)
                .add("jti", UUID.randomUUID().toString())
                .build());
        return new TokenJson(token, "Bearer", EXPIRES_IN_SECONDS);
    }
}
