package dev.parley.rest.security;

import dev.parley.domain.user.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Until authentication arrives every caller is the demo user seeded by the migrations
 * ({@code parley.demo-user-id}).
 */
@ApplicationScoped
public class DemoCurrentUser implements CurrentUser {
    private final UserId demoUser;

    @Inject
    public DemoCurrentUser(@ConfigProperty(name = "parley.demo-user-id",
            defaultValue = "00000000-0000-4000-8000-000000000001") String demoUserId) {
        this.demoUser = UserId.of(demoUserId);
    }

    protected DemoCurrentUser() {
        this.demoUser = null; // CDI proxy only
    }

    @Override
    public UserId id() {
        return demoUser;
    }
}
