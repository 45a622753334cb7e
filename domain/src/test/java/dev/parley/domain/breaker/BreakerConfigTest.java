package dev.parley.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BreakerConfigTest {

    @Test
    void defaultsAreFiveFailuresThirtySecondsOneProbe() {
        assertThat(BreakerConfig.defaults()).isEqualTo(new BreakerConfig(5, Duration.ofSeconds(30), 1));
    }

    @Test
    void rejectsValuesThatWouldMakeNoSense() {
        assertThatThrownBy(() -> new BreakerConfig(0, Duration.ofSeconds(30), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BreakerConfig(5, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BreakerConfig(5, Duration.ofSeconds(-1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BreakerConfig(5, Duration.ofSeconds(30), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BreakerConfig(5, null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void evictionPolicyRejectsNonPositiveBounds() {
        assertThatThrownBy(() -> new EvictionPolicy(Duration.ZERO, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EvictionPolicy(Duration.ofMinutes(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
