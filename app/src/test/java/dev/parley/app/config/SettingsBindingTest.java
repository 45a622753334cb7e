package dev.parley.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.application.limit.UserLimits;
import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.retry.RetryPolicy;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The typed settings as MicroProfile Config binds them (prefix + name, the annotated default unless a
 * value is given): the shipped defaults are the domain's defaults, and a bad value names its setting.
 */
class SettingsBindingTest {

    @Test
    void theAnnotatedDefaultsAreTheDomainDefaults() {
        ResilienceSettings settings = bind(new ResilienceSettings(), Map.of());

        assertThat(settings.breaker()).isEqualTo(BreakerConfig.DEFAULTS);
        assertThat(settings.retry()).isEqualTo(RetryPolicy.DEFAULTS);
        assertThat(bind(new TurnSettings(), Map.of()).toSettings(Duration.ofSeconds(55)))
                .satisfies(s -> {
                    assertThat(s.costPerReply()).isEqualTo(1);
                    assertThat(s.historyLimit()).isEqualTo(20);
                });
    }

    @Test
    void everySettingIsBoundUnderItsDocumentedName() {
        ResilienceSettings settings = bind(new ResilienceSettings(), Map.of(
                "parley.breaker.failure-threshold", "3", "parley.breaker.open-duration-ms", "4000",
                "parley.breaker.half-open-permits", "2", "parley.retry.max-attempts", "6",
                "parley.retry.backoff-base-ms", "100", "parley.retry.backoff-cap-ms", "800",
                "parley.retry.jitter", "0.5", "parley.retry.deadline-ms", "5000"));

        assertThat(settings.breaker()).isEqualTo(new BreakerConfig(3, Duration.ofMillis(4000), 2));
        assertThat(settings.retry()).isEqualTo(new RetryPolicy(6, Duration.ofMillis(100), 2.0,
                Duration.ofMillis(800), 0.5, Duration.ofMillis(5000)));
        assertThat(bind(new TurnSettings(), Map.of("parley.tokens.cost-per-reply", "3",
                "parley.ai.history-limit", "8")).toSettings(Duration.ofSeconds(1)).costPerReply()).isEqualTo(3);
    }

    @Test
    void theUserLimitsDefaultToFourThirtyAndTenAndAreBoundUnderTheirNames() {
        assertThat(bind(new UserLimitSettings(), Map.of()).toLimits()).isEqualTo(UserLimits.DEFAULTS)
                .isEqualTo(new UserLimits(4, 30, 10));
        assertThat(bind(new UserLimitSettings(), Map.of("parley.limits.user.in-flight", "2",
                "parley.limits.user.sends-per-minute", "5", "parley.limits.user.event-streams", "3")).toLimits())
                .isEqualTo(new UserLimits(2, 5, 3));
    }

    @Test
    void aUserLimitBelowOneNamesItsSetting() {
        for (String setting : new String[] {"in-flight", "sends-per-minute", "event-streams"}) {
            for (String bad : new String[] {"0", "-3"}) {
                assertThatThrownBy(() -> bind(new UserLimitSettings(), Map.of("parley.limits.user." + setting, bad))
                        .toLimits()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("invalid parley.limits.user." + setting + " setting");
            }
        }
    }

    @Test
    void breakersAreSharedEveryHalfSecondUnlessTheIntervalIsZero() {
        assertThat(bind(new ResilienceSettings(), Map.of()).breakerSyncInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(bind(new ResilienceSettings(), Map.of("parley.breaker.sync-interval-ms", "0")).breakerSyncInterval())
                .isZero();
        for (String bad : new String[] {"-1", "60001"}) {
            assertThatThrownBy(() -> bind(new ResilienceSettings(), Map.of("parley.breaker.sync-interval-ms", bad))
                    .breakerSyncInterval()).hasMessageStartingWith("invalid parley.breaker.sync-interval-ms setting");
        }
    }

    @Test
    void anInvalidValueNamesItsSettings() {
        assertThatThrownBy(() -> bind(new ResilienceSettings(), Map.of("parley.retry.max-attempts", "0")).retry())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid parley.retry.* setting");
        assertThatThrownBy(() -> bind(new ResilienceSettings(), Map.of("parley.breaker.open-duration-ms", "0"))
                .breaker()).hasMessageStartingWith("invalid parley.breaker.* setting");
        assertThatThrownBy(() -> bind(new TurnSettings(), Map.of("parley.tokens.cost-per-reply", "0"))
                .toSettings(Duration.ofSeconds(1))).hasMessageContaining("parley.tokens.cost-per-reply");
    }

    /** Sets each field as MicroProfile Config would: prefix + name, the given value or the default. */
    private static <T> T bind(T target, Map<String, String> values) {
        String prefix = target.getClass().getAnnotation(ConfigProperties.class).prefix();
        for (Field field : target.getClass().getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property == null) {
                continue;
            }
            String raw = values.getOrDefault(prefix + "." + property.name(), property.defaultValue());
            try {
                field.setAccessible(true);
                if (field.getType() == int.class) {
                    field.setInt(target, Integer.parseInt(raw));
                } else if (field.getType() == long.class) {
                    field.setLong(target, Long.parseLong(raw));
                } else if (field.getType() == double.class) {
                    field.setDouble(target, Double.parseDouble(raw));
                } else {
                    throw new AssertionError("unhandled type of " + field);
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return target;
    }
}
