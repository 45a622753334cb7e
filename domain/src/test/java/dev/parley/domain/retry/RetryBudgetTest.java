package dev.parley.domain.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final MutableClock clock = new MutableClock();
    private final List<RetryBudget.Refusal> refusals = new ArrayList<>();

    private RetryBudget budget(double ratio, long windowMs, double minPerSecond) {
        return new RetryBudget(new RetryBudget.Config(ratio, Duration.ofMillis(windowMs), minPerSecond), clock,
                refusals::add);
    }

    private static int grants(RetryBudget budget, int asked) {
        int granted = 0;
        for (int i = 0; i < asked; i++) {
            if (budget.tryRetry().isEmpty()) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void retriesMayAddTheRatioOfFirstAttemptsPlusTheReserve() {
        RetryBudget budget = budget(0.2, 10_000, 1); // reserve: 10 retries per window
        for (int i = 0; i < 100; i++) {
            budget.recordFirstAttempt();
        }

        assertThat(grants(budget, 100)).isEqualTo(20 + 10);
        assertThat(budget.counts()).containsExactly(100, 30);
    }

    @Test
    void aQuietInstanceStillHasTheReserve() {
        RetryBudget budget = budget(0.2, 10_000, 0.5); // 5 per window, no first attempt at all

        assertThat(grants(budget, 8)).isEqualTo(5);
    }

    @Test
    void withoutReserveTheRatioIsAllThereIs() {
        RetryBudget budget = budget(0.2, 10_000, 0);
        for (int i = 0; i < 9; i++) {
            budget.recordFirstAttempt();
        }

        assertThat(grants(budget, 5)).as("floor(0.2 × 9)").isEqualTo(1);
    }

    @Test
    void aRefusalSaysWhenTheOldestGrantedRetryLeavesTheWindowAndIsReportedOncePerExhaustion() {
        RetryBudget budget = budget(0, 10_000, 0.2); // 2 per window
        clock.advanceMillis(300); // 300 ms into the first bucket [0, 1000)
        assertThat(budget.tryRetry()).isEmpty();
        clock.advanceMillis(2_000); // 2300
        assertThat(budget.tryRetry()).isEmpty();
        clock.advanceMillis(1_000); // 3300

        Optional<Duration> refused = budget.tryRetry();
        Optional<Duration> again = budget.tryRetry();

        assertThat(refused).contains(Duration.ofMillis(10_000 - 3_300)); // the first bucket leaves at 10 000
        assertThat(again).contains(Duration.ofMillis(6_700));
        assertThat(refusals).hasSize(2);
        assertThat(refusals.get(0).newlyExhausted()).isTrue();
        assertThat(refusals.get(1).newlyExhausted()).isFalse();
        assertThat(refusals.get(0).retries()).isEqualTo(2);
        assertThat(refusals.get(0).allowed()).isEqualTo(2);

        clock.advanceMillis(6_700); // 10 000: the first retry left the window
        assertThat(budget.tryRetry()).isEmpty();
        assertThat(budget.tryRetry()).isPresent();
        assertThat(refusals.get(2).newlyExhausted()).as("exhausted again after a grant").isTrue();
    }

    @Test
    void firstAttemptsAndRetriesLeaveTheSlidingWindow() {
        RetryBudget budget = budget(1.0, 10_000, 0);
        for (int i = 0; i < 4; i++) {
            budget.recordFirstAttempt();
        }
        clock.advanceMillis(5_000);
        for (int i = 0; i < 4; i++) {
            budget.recordFirstAttempt();
        }
        assertThat(grants(budget, 10)).isEqualTo(8);

        clock.advanceMillis(5_000); // the first four leave; the retries made at 5 s stay
        assertThat(budget.counts()).containsExactly(4, 8);
        assertThat(grants(budget, 1)).isZero();

        clock.advanceMillis(5_000); // everything left
        assertThat(budget.counts()).containsExactly(0, 0);
    }

    @Test
    void aLongSilenceClearsEveryBucket() {
        RetryBudget budget = budget(1.0, 1_000, 0);
        budget.recordFirstAttempt();
        clock.advance(Duration.ofDays(3));

        assertThat(budget.counts()).containsExactly(0, 0);
        assertThat(budget.tryRetry()).isPresent();
    }

    @Test
    void theUnlimitedBudgetGrantsEverything() {
        RetryBudget budget = RetryBudget.unlimited(clock);

        assertThat(grants(budget, 1_000)).isEqualTo(1_000);
    }

    @Test
    void concurrentRetriesNeverExceedTheBudget() throws Exception {
        RetryBudget budget = budget(0.2, 10_000, 1);
        for (int i = 0; i < 1_000; i++) {
            budget.recordFirstAttempt();
        }
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(16);
        for (int t = 0; t < 16; t++) {
            threads.submit(() -> {
                start.await();
                for (int i = 0; i < 100; i++) {
                    if (budget.tryRetry().isEmpty()) {
                        granted.incrementAndGet();
                    }
                }
                return null;
            });
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(granted.get()).isEqualTo(200 + 10);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new RetryBudget.Config(-0.1, Duration.ofSeconds(10), 1))
                .hasMessageContaining("ratio");
        assertThatThrownBy(() -> new RetryBudget.Config(0.2, Duration.ofMillis(5), 1)).hasMessageContaining("window");
        assertThatThrownBy(() -> new RetryBudget.Config(0.2, Duration.ofSeconds(10), Double.NaN))
                .hasMessageContaining("minPerSecond");
    }
}
