package dev.parley.domain.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final RetryPolicy POLICY = RetryPolicy.DEFAULTS;
    /** Fails the test if jitter-free code ever asks for randomness. */
    private static final RandomGenerator NO_RANDOMNESS = () -> {
        throw new AssertionError("no randomness expected");
    };

    private static ParleyException failure(ErrorCode code) {
        return new ParleyException(code, "test");
    }

    private static ParleyException rateLimited(Duration hint) {
        return new ParleyException(ErrorCode.AI_RATE_LIMITED, "test", hint);
    }

    @Test
    void defaultsAreFourAttemptsOneSecondDoublingNoJitterAndATwentyFiveSecondDeadline() {
        assertThat(POLICY.maxAttempts()).isEqualTo(4);
        assertThat(POLICY.backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(POLICY.multiplier()).isEqualTo(2.0);
        assertThat(POLICY.jitter()).isZero();
        assertThat(POLICY.deadline()).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void backoffWithoutJitterIsExactly1000Then2000Then4000Ms() {
        List<Long> waits = new ArrayList<>();
        for (int attempt = 1; attempt < 4; attempt++) {
            RetryDecision decision = POLICY.decide(attempt, failure(ErrorCode.AI_PROVIDER_TIMEOUT), Duration.ZERO, NO_RANDOMNESS);
            assertThat(decision.retry()).isTrue();
            waits.add(decision.waitTime().toMillis());
        }
        assertThat(waits).containsExactly(1000L, 2000L, 4000L);
        assertThat(POLICY.backoff(3, NO_RANDOMNESS)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void backoffIsCapped() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), 3.0, Duration.ofSeconds(5), 0.0, Duration.ofMinutes(5));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoff(60)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterStaysWithinItsBoundsAndIsReproducibleWithASeed() {
        RetryPolicy jittery = new RetryPolicy(4, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.25, Duration.ofSeconds(25));
        SplittableRandom random = new SplittableRandom(42);
        List<Duration> seen = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Duration wait = jittery.backoff(2, random);
            assertThat(wait).isBetween(Duration.ofMillis(1_500), Duration.ofMillis(2_500));
            seen.add(wait);
        }
        assertThat(seen.stream().distinct().count()).as("actually random").isGreaterThan(9_000);
        assertThat(jittery.backoff(2, new SplittableRandom(7))).isEqualTo(jittery.backoff(2, new SplittableRandom(7)));
    }

    @Test
    void stopsOnANonRetryableCode() {
        RetryDecision decision = POLICY.decide(1, failure(ErrorCode.INTERNAL_ERROR), Duration.ZERO, NO_RANDOMNESS);
        assertThat(decision.retry()).isFalse();
        assertThat(decision.stopReason()).isEqualTo(StopReason.NOT_RETRYABLE);
    }

    @Test
    void stopsAfterTheFourthAttempt() {
        RetryDecision decision = POLICY.decide(4, failure(ErrorCode.AI_BAD_RESPONSE), Duration.ofSeconds(7), NO_RANDOMNESS);
        assertThat(decision.stopReason()).isEqualTo(StopReason.ATTEMPTS_EXHAUSTED);
    }

    @Test
    void stopsWhenTheNextAttemptCouldNotStartBeforeTheDeadline() {
        ParleyException timeout = failure(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(POLICY.decide(2, timeout, Duration.ofMillis(22_999), NO_RANDOMNESS).retry()).isTrue();
        RetryDecision decision = POLICY.decide(2, timeout, Duration.ofSeconds(23), NO_RANDOMNESS);
        assertThat(decision.retry()).isFalse();
        assertThat(decision.stopReason()).isEqualTo(StopReason.DEADLINE_REACHED);
    }

    @Test
    void honoursALongerRetryAfterHintThatFitsTheDeadline() {
        RetryDecision decision = POLICY.decide(1, rateLimited(Duration.ofSeconds(7)), Duration.ofSeconds(2), NO_RANDOMNESS);
        assertThat(decision.retry()).isTrue();
        assertThat(decision.waitTime()).isEqualTo(Duration.ofSeconds(7));
        assertThat(decision.honoursRetryAfter()).isTrue();
    }

    @Test
    void keepsTheComputedBackoffWhenTheHintIsShorter() {
        RetryDecision decision = POLICY.decide(2, rateLimited(Duration.ofMillis(500)), Duration.ZERO, NO_RANDOMNESS);
        assertThat(decision.waitTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(decision.honoursRetryAfter()).isFalse();
    }

    @Test
    void failsFastWhenTheHintDoesNotFitTheDeadline() {
        RetryDecision decision = POLICY.decide(1, rateLimited(Duration.ofSeconds(60)), Duration.ofSeconds(1), NO_RANDOMNESS);
        assertThat(decision.retry()).isFalse();
        assertThat(decision.stopReason()).isEqualTo(StopReason.RETRY_AFTER_BEYOND_DEADLINE);
        assertThat(decision.honoursRetryAfter()).isTrue();
    }

    @Test
    void rejectsSettingsThatMakeNoSense() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RetryPolicy(0, s, 2, s, 0, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(4, s.negated(), 2, s, 0, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(4, s, 0.5, s, 0, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(4, s, Double.NaN, s, 0, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(4, s, 2, Duration.ZERO, 0, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(4, s, 2, s, 1.5, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(4, s, 2, s, 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryMetaIsImmutableAndConsistent() {
        List<Long> backoffs = new ArrayList<>(List.of(1000L, 2000L));
        RetryMeta meta = new RetryMeta(3, backoffs, 3_050, Kind.CLOSED);
        backoffs.add(4000L);
        assertThat(meta.backoffMs()).containsExactly(1000L, 2000L);
        assertThatThrownBy(() -> meta.backoffMs().add(1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(meta.retries()).isEqualTo(2);
        assertThat(RetryMeta.noAttempt(Kind.OPEN).retries()).isZero();
        assertThatThrownBy(() -> new RetryMeta(-1, List.of(), 0, Kind.CLOSED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryMeta(1, List.of(-1L), 0, Kind.CLOSED)).isInstanceOf(IllegalArgumentException.class);
    }
}
