package dev.parley.application.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.EvictionPolicy;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTest {
    private final MutableClock clock = new MutableClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @Test
    void runsEveryPeriodUntilCancelled() {
        AtomicInteger runs = new AtomicInteger();
        Periodic periodic = Periodic.every(Duration.ofSeconds(5), scheduler, runs::incrementAndGet, e -> { });

        scheduler.advance(Duration.ofSeconds(4));
        assertThat(runs).hasValue(0);
        scheduler.advance(Duration.ofSeconds(11));
        assertThat(runs).hasValue(3);
        periodic.cancel();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(runs).hasValue(3);
    }

    @Test
    void aFailingRunIsReportedAndTheNextOnesStillRun() {
        AtomicInteger runs = new AtomicInteger();
        List<RuntimeException> reported = new ArrayList<>();
        Periodic.every(Duration.ofSeconds(1), scheduler, () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("database away");
            }
        }, reported::add);

        scheduler.advance(Duration.ofSeconds(3));

        assertThat(runs).hasValue(3);
        assertThat(reported).singleElement().extracting(Throwable::getMessage).isEqualTo("database away");
    }

    @Test
    void theBreakerRegistrysIdleEvictionRunsOnAScheduleWithoutAnyRequest() {
        ChatBreakerRegistry breakers = new ChatBreakerRegistry(BreakerConfig.defaults(), clock, BreakerListener.NONE,
                new EvictionPolicy(Duration.ofMinutes(10), 100_000));
        for (int i = 0; i < 3; i++) {
            breakers.onFailure(new ChatId(UUID.randomUUID()), ErrorCode.AI_PROVIDER_UNAVAILABLE);
        }
        Periodic.every(Duration.ofMinutes(1), scheduler, breakers::evictIdle, e -> { });

        scheduler.advance(Duration.ofMinutes(11));

        assertThat(breakers.size()).as("idle CLOSED entries forgotten with no traffic at all").isZero();
    }
}
