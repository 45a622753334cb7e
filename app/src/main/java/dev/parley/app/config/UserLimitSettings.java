package dev.parley.app.config;

import dev.parley.application.limit.UserLimits;
import jakarta.enterprise.context.Dependent;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What one user may do at once: {@code parley.limits.user.in-flight}, {@code .sends-per-minute} and
 * {@code .event-streams} (docs/architecture.md#per-user-limits), bound by MicroProfile Config. A value
 * below 1 stops the start with the setting's name.
 */
@ConfigProperties(prefix = "parley.limits.user")
@Dependent
public class UserLimitSettings {
    @ConfigProperty(name = "in-flight", defaultValue = "4")
    int inFlight;
    @ConfigProperty(name = "sends-per-minute", defaultValue = "30")
    int sendsPerMinute;
    @ConfigProperty(name = "event-streams", defaultValue = "10")
    int eventStreams;

    /**
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public UserLimits toLimits() {
        atLeastOne("parley.limits.user.in-flight", inFlight);
        atLeastOne("parley.limits.user.sends-per-minute", sendsPerMinute);
        atLeastOne("parley.limits.user.event-streams", eventStreams);
        return new UserLimits(inFlight, sendsPerMinute, eventStreams);
    }

    private static void atLeastOne(String setting, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("invalid " + setting + " setting: it must be at least 1, not " + value);
        }
    }
}
