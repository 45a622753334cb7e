package dev.parley.rest.security;

import dev.parley.domain.user.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * The authenticated caller of one request: the user, and until when the credential that proved it
 * (the bearer token, or the token behind an event-stream ticket) is valid.
 */
public record Caller(UserId id, Instant validUntil) {
    /** The request attribute that holds the request's caller, set by {@link BearerAuthentication}. */
    public static final String ATTRIBUTE = "parley.caller";

    public Caller {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(validUntil, "validUntil");
    }
}
