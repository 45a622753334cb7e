package dev.parley.domain.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.testing.RandomTrials;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariants of the retry policy over random, seeded policies and failures. */
class RetryPolicyPropertiesTest {

    private static final List<ErrorCode> CODES = Arrays.asList(ErrorCode.values());

    @Test
    void aRetryAlwaysStartsBeforeTheDeadlineAndWaitsWithinTheJitterBounds() {
        RandomTrials.check("retry decisions respect deadline and bounds", 20_000, 10_000, trial -> {
            Duration base = Duration.ofMillis(trial.nextInt(0, 3_000));
            Duration cap = base.plusMillis(trial.nextInt(0, 20_000));
            double jitter = trial.chance(0.3) ? 0.0 : trial.random().nextDouble();
            RetryPolicy policy = new RetryPolicy(trial.nextInt(1, 6), base, 1.0 + trial.random().nextDouble() * 3,
                    cap, jitter, Duration.ofMillis(trial.nextInt(1, 40_000)));
            int attempt = trial.nextInt(1, 6);
            ErrorCode code = trial.pick(CODES);
            Duration hint = trial.chance(0.5) ? null : Duration.ofMillis(trial.nextInt(0, 60_000));
            Duration elapsed = Duration.ofMillis(trial.nextInt(0, 40_000));
            trial.note(policy + " attempt " + attempt + " " + code + " hint " + hint + " elapsed " + elapsed);

            RetryDecision decision = policy.decide(attempt, new ParleyException(code, "x", hint), elapsed, trial.random());

            if (!decision.retry()) {
                return;
            }
            assertThat(code.retryable()).isTrue();
            assertThat(attempt).isLessThan(policy.maxAttempts());
            assertThat(elapsed.plus(decision.waitTime())).isLessThan(policy.deadline());
            Duration plain = policy.backoff(attempt);
            Duration lowest = Duration.ofNanos(Math.round(plain.toNanos() * (1 - jitter)));
            assertThat(decision.waitTime()).isGreaterThanOrEqualTo(lowest.minusNanos(1));
            if (decision.honoursRetryAfter()) {
                assertThat(decision.waitTime()).isEqualTo(hint);
            } else {
                assertThat(decision.waitTime()).isLessThanOrEqualTo(cap);
                if (hint != null) {
                    assertThat(decision.waitTime()).isGreaterThanOrEqualTo(hint);
                }
            }
        });
    }
}
