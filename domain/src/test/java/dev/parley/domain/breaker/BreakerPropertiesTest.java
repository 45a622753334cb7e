package dev.parley.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerState.HalfOpen;
import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.breaker.BreakerState.Open;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.testing.RandomTrials;
import dev.parley.domain.testing.RandomTrials.Trial;
import dev.parley.domain.testing.RecordingBreakerListener;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Invariants of the breaker over thousands of random, seeded action sequences. */
class BreakerPropertiesTest {

    private static final List<ErrorCode> CODES = Arrays.asList(ErrorCode.values());
    private static final List<ErrorCode> NOT_COUNTED = CODES.stream().filter(c -> !c.countsAgainstBreaker()).toList();

    private static BreakerConfig randomConfig(Trial trial) {
        return new BreakerConfig(trial.nextInt(1, 6), Duration.ofMillis(trial.nextInt(1, 5_000)), trial.nextInt(1, 4));
    }

    /** One random step on a breaker; returns the permission if it asked for one. */
    private static Permission step(Trial trial, CircuitBreaker breaker, MutableClock clock) {
        switch (trial.nextInt(0, 4)) {
            case 0 -> {
                trial.note("acquire");
                return breaker.tryAcquirePermission();
            }
            case 1 -> {
                trial.note("success");
                breaker.onSuccess();
            }
            case 2 -> {
                ErrorCode code = trial.pick(CODES);
                trial.note("failure " + code);
                breaker.onFailure(code);
            }
            case 3 -> {
                trial.note("release");
                breaker.releasePermission();
            }
            default -> {
                int millis = trial.nextInt(0, 3_000);
                trial.note("advance " + millis);
                clock.advanceMillis(millis);
            }
        }
        return null;
    }

    @Test
    void neverMoreThanKProbesInHalfOpen() {
        RandomTrials.check("never more than K probes", 2_000, 1_000, trial -> {
            BreakerConfig config = randomConfig(trial);
            MutableClock clock = new MutableClock();
            RecordingBreakerListener listener = new RecordingBreakerListener();
            CircuitBreaker breaker = new CircuitBreaker(new ChatId(UUID.randomUUID()), config, clock, listener);
            int outstanding = 0;
            for (int i = 0; i < 300; i++) {
                int transitionsBefore = listener.transitions().size();
                BreakerState before = breaker.state();
                Permission permission = step(trial, breaker, clock);
                BreakerState after = breaker.state();
                if (listener.transitions().size() > transitionsBefore && after.kind() == Kind.HALF_OPEN) {
                    outstanding = 0;
                }
                if (permission != null && permission.probe()) {
                    outstanding++;
                }
                if (before instanceof HalfOpen b && after instanceof HalfOpen a && a.permitsLeft() > b.permitsLeft()) {
                    outstanding--;
                }
                if (after instanceof HalfOpen halfOpen) {
                    assertThat(outstanding).isBetween(0, config.halfOpenPermits());
                    assertThat(halfOpen.permitsLeft()).isEqualTo(config.halfOpenPermits() - outstanding);
                }
            }
        });
    }

    @Test
    void openNeverTransitionsToClosedDirectlyAndEveryTransitionIsLegalAndReportedOnce() {
        RandomTrials.check("legal transitions only", 2_000, 2_000, trial -> {
            MutableClock clock = new MutableClock();
            RecordingBreakerListener listener = new RecordingBreakerListener();
            CircuitBreaker breaker = new CircuitBreaker(new ChatId(UUID.randomUUID()), randomConfig(trial), clock, listener);
            for (int i = 0; i < 300; i++) {
                Kind before = breaker.state().kind();
                int reported = listener.transitions().size();
                step(trial, breaker, clock);
                Kind after = breaker.state().kind();
                if (before == Kind.OPEN) {
                    assertThat(after).isNotEqualTo(Kind.CLOSED);
                }
                assertThat(listener.transitions().size() - reported).isEqualTo(before == after ? 0 : 1);
            }
            List<String> moves = listener.moves();
            assertThat(moves).doesNotContain("OPEN->CLOSED", "CLOSED->HALF_OPEN");
            for (int i = 1; i < moves.size(); i++) {
                assertThat(moves.get(i).split("->")[0]).isEqualTo(moves.get(i - 1).split("->")[1]);
            }
        });
    }

    @Test
    void remainingOpenTimeIsNeverNegativeNorLongerThanTheOpenDuration() {
        RandomTrials.check("remaining open time bounded", 1_000, 3_000, trial -> {
            BreakerConfig config = randomConfig(trial);
            MutableClock clock = new MutableClock();
            CircuitBreaker breaker = new CircuitBreaker(new ChatId(UUID.randomUUID()), config, clock, BreakerListener.NONE);
            for (int i = 0; i < 200; i++) {
                Permission permission = step(trial, breaker, clock);
                assertThat(breaker.remainingOpenTime()).isBetween(Duration.ZERO, config.openDuration());
                if (permission != null && !permission.permitted() && breaker.state() instanceof Open) {
                    assertThat(permission.retryAfter()).isEqualTo(breaker.remainingOpenTime()).isPositive();
                }
            }
        });
    }

    @Test
    void aChatWithoutCountedFailuresHoldsNoMemory() {
        RandomTrials.check("healthy chats are untracked", 500, 4_000, trial -> {
            MutableClock clock = new MutableClock();
            ChatBreakerRegistry registry = new ChatBreakerRegistry(randomConfig(trial), clock, BreakerListener.NONE);
            for (int i = 0; i < 500; i++) {
                ChatId chat = new ChatId(new UUID(0, trial.nextInt(0, 50)));
                switch (trial.nextInt(0, 3)) {
                    case 0 -> assertThat(registry.tryAcquirePermission(chat)).isSameAs(Permission.ADMITTED);
                    case 1 -> registry.onSuccess(chat);
                    case 2 -> registry.onFailure(chat, trial.pick(NOT_COUNTED));
                    default -> registry.releasePermission(chat);
                }
                clock.advanceMillis(trial.nextInt(0, 100_000));
                assertThat(registry.size()).isZero();
            }
        });
    }

    @Test
    void evictionNeverLosesAnOpenOrHalfOpenChat() {
        RandomTrials.check("open and half-open chats are kept", 500, 5_000, trial -> {
            MutableClock clock = new MutableClock();
            RecordingBreakerListener listener = new RecordingBreakerListener();
            EvictionPolicy eviction = new EvictionPolicy(Duration.ofMillis(trial.nextInt(1, 10_000)), trial.nextInt(1, 5));
            ChatBreakerRegistry registry = new ChatBreakerRegistry(randomConfig(trial), clock, listener, eviction);
            Map<ChatId, Kind> lastReported = new HashMap<>();
            for (int i = 0; i < 400; i++) {
                ChatId chat = new ChatId(new UUID(0, trial.nextInt(0, 20)));
                int action = trial.nextInt(0, 4);
                trial.note(action + " on " + chat.value().getLeastSignificantBits());
                switch (action) {
                    case 0 -> registry.tryAcquirePermission(chat);
                    case 1 -> registry.onSuccess(chat);
                    case 2, 3 -> registry.onFailure(chat, ErrorCode.AI_PROVIDER_UNAVAILABLE);
                    default -> {
                        clock.advanceMillis(trial.nextInt(0, 20_000));
                        registry.evictIdle();
                    }
                }
                listener.transitions().forEach(t -> lastReported.put(t.chatId(), t.to().kind()));
                lastReported.forEach((id, kind) -> {
                    if (kind != Kind.CLOSED) {
                        assertThat(registry.state(id).kind()).as("chat %s", id).isEqualTo(kind);
                    }
                });
            }
        });
    }
}
