package dev.parley.ai.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChaosModeTest {

    @Test
    void injectsEachKindAtAboutItsRateWithASeededRandom() {
        ChaosMode chaos = new ChaosMode(Map.of(FaultKind.UNAVAILABLE, 0.2, FaultKind.TIMEOUT, 0.1), new SplittableRandom(42));
        Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
        int none = 0;
        for (int i = 0; i < 10_000; i++) {
            Optional<FaultKind> drawn = chaos.draw();
            if (drawn.isPresent()) {
                counts.merge(drawn.get(), 1, Integer::sum);
            } else {
                none++;
            }
        }

        assertThat(counts.get(FaultKind.UNAVAILABLE)).isBetween(1_800, 2_200);
        assertThat(counts.get(FaultKind.TIMEOUT)).isBetween(850, 1_150);
        assertThat(counts).doesNotContainKeys(FaultKind.RATE_LIMITED, FaultKind.BAD_RESPONSE);
        assertThat(none).isBetween(6_700, 7_300);
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        Map<FaultKind, Double> rates = Map.of(FaultKind.BAD_RESPONSE, 0.5);
        ChaosMode one = new ChaosMode(rates, new SplittableRandom(7));
        ChaosMode two = new ChaosMode(rates, new SplittableRandom(7));

        for (int i = 0; i < 100; i++) {
            assertThat(one.draw()).isEqualTo(two.draw());
        }
    }

    @Test
    void zeroRatesNeverInjectAndBadRatesAreRefused() {
        assertThat(new ChaosMode(Map.of(FaultKind.TIMEOUT, 0.0), new SplittableRandom(1)).active()).isFalse();
        assertThat(ChaosMode.off().draw()).isEmpty();
        assertThatThrownBy(() -> new ChaosMode(Map.of(FaultKind.TIMEOUT, 1.5), new SplittableRandom(1)))
                .hasMessageContaining("parley.debug.chaos.timeout-rate must be between 0 and 1");
        assertThatThrownBy(() -> new ChaosMode(Map.of(FaultKind.TIMEOUT, 0.6, FaultKind.UNAVAILABLE, 0.6), new SplittableRandom(1)))
                .hasMessageContaining("more than 1");
        assertThatThrownBy(() -> new ChaosMode(Map.of(FaultKind.DATABASE, 0.1), new SplittableRandom(1)))
                .hasMessageContaining("AI faults only");
    }
}
