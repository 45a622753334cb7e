package dev.parley.rest.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The identity settings, checked when the application starts (docs/architecture.md#identity):
 *
 * <ul>
 *   <li>{@code parley.auth.dev-login.enabled} (default false): the development sign-in. On, it is
 *       announced at WARNING, because anyone who reaches the server can then sign in as anyone.</li>
 *   <li>With it off, {@code mp.jwt.verify.issuer} and a key ({@code mp.jwt.verify.publickey.location}
 *       or {@code mp.jwt.verify.publickey}) are required: without them no token could ever be accepted,
 *       so the start stops with a message naming the missing setting instead of a server that answers
 *       every request 401.</li>
 * </ul>
 */
@ApplicationScoped
public class AuthenticationSettings {
    private static final Logger LOG = Logger.getLogger(AuthenticationSettings.class.getName());

    @Inject
    @ConfigProperty(name = JwtKeysConfigSource.DEV_LOGIN_ENABLED, defaultValue = "false")
    boolean devLoginEnabled;
    @Inject
    @ConfigProperty(name = JwtKeysConfigSource.ISSUER)
    Optional<String> issuer;
    @Inject
    @ConfigProperty(name = JwtKeysConfigSource.PUBLIC_KEY)
    Optional<String> publicKey;
    @Inject
    @ConfigProperty(name = JwtKeysConfigSource.PUBLIC_KEY_LOCATION)
    Optional<String> publicKeyLocation;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        check();
    }

    void check() {
        if (devLoginEnabled) {
            LOG.warning("parley.auth.dev-login.enabled=true: POST /api/auth/dev-login signs anyone in as any user"
                    + " without a password. Development only; never on a reachable server.");
            return;
        }
        if (issuer.isEmpty()) {
            throw new NotConfigured("Parley cannot start: set mp.jwt.verify.issuer (environment"
                    + " MP_JWT_VERIFY_ISSUER) to the issuer of your identity provider's tokens,"
                    + " or parley.auth.dev-login.enabled=true (environment PARLEY_AUTH_DEV_LOGIN_ENABLED) for development");
        }
        if (publicKey.isEmpty() && publicKeyLocation.isEmpty()) {
            throw new NotConfigured("Parley cannot start: set mp.jwt.verify.publickey.location (environment"
                    + " MP_JWT_VERIFY_PUBLICKEY_LOCATION) to the issuer's public key or key-set URL,"
                    + " or parley.auth.dev-login.enabled=true (environment PARLEY_AUTH_DEV_LOGIN_ENABLED) for development");
        }
    }

    /** A start refused for a missing identity setting: the message names it; no stack trace follows it. */
    public static final class NotConfigured extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotConfigured(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    public boolean devLoginEnabled() {
        return devLoginEnabled;
    }

    /** The issuer of development tokens: the configured one when there is one, else {@value JwtKeysConfigSource#DEV_ISSUER}. */
    String devIssuer() {
        return issuer.orElse(JwtKeysConfigSource.DEV_ISSUER);
    }
}
