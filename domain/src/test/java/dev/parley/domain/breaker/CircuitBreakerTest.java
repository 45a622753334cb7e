package dev.parley.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerState.Closed;
import dev.parley.domain.breaker.BreakerState.HalfOpen;
import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.breaker.BreakerState.Open;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.testing.RecordingBreakerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CircuitBreakerTest {

    private final MutableClock clock = new MutableClock();
    private final RecordingBreakerListener listener = new RecordingBreakerListener();
    private final ChatId chat = new ChatId(UUID.fromString("00000000-0000-0000-0000-000000000001"));
    private final CircuitBreaker breaker = new CircuitBreaker(chat, BreakerConfig.DEFAULTS, clock, listener);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.onFailure(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        }
    }

    private void open() {
        fail(5);
        assertThat(breaker.state().kind()).isEqualTo(Kind.OPEN);
    }

    @Test
    void aNewBreakerIsHealthyAndAdmitsWithTheSharedPermission() {
        assertThat(breaker.state()).isSameAs(Closed.HEALTHY);
        assertThat(breaker.tryAcquirePermission()).isSameAs(Permission.ADMITTED);
        assertThat(breaker.remainingOpenTime()).isZero();
    }

    @Test
    void fourConsecutiveFailuresKeepItClosed() {
        fail(4);
        assertThat(breaker.state()).isEqualTo(new Closed(4));
        assertThat(breaker.tryAcquirePermission().permitted()).isTrue();
        assertThat(listener.transitions()).isEmpty();
    }

    @Test
    void opensAfterFiveConsecutiveFailures() {
        fail(5);
        assertThat(breaker.state()).isEqualTo(new Open(MutableClock.EPOCH, MutableClock.EPOCH.plusSeconds(30)));
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN");
        assertThat(listener.transitions().get(0).chatId()).isEqualTo(chat);
        assertThat(listener.transitions().get(0).at()).isEqualTo(MutableClock.EPOCH);
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        fail(4);
        breaker.onSuccess();
        fail(4);
        assertThat(breaker.state()).isEqualTo(new Closed(4));
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"AI_RATE_LIMITED", "AI_BAD_RESPONSE", "AI_PROVIDER_UNAVAILABLE",
            "AI_PROVIDER_TIMEOUT"}, mode = EnumSource.Mode.EXCLUDE)
    void failuresThatDoNotCountLeaveTheBreakerAlone(ErrorCode code) {
        fail(2);
        for (int i = 0; i < 20; i++) {
            breaker.onFailure(code);
        }
        assertThat(breaker.state()).isEqualTo(new Closed(2));
    }

    @Test
    void refusesWhileOpenWithTheExactRemainingTime() {
        open();
        clock.advanceMillis(12_345);

        Permission refusal = breaker.tryAcquirePermission();

        assertThat(refusal.permitted()).isFalse();
        assertThat(refusal.state()).isEqualTo(Kind.OPEN);
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(17_655));
    }

    @Test
    void remainingOpenTimeShrinksAsTheClockAdvances() {
        open();
        List<Duration> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(breaker.remainingOpenTime());
            clock.advance(Duration.ofMillis(7_500).plusNanos(1));
        }
        assertThat(seen).containsExactly(Duration.ofSeconds(30), Duration.ofMillis(22_500).minusNanos(1),
                Duration.ofSeconds(15).minusNanos(2), Duration.ofMillis(7_500).minusNanos(3));
        clock.advanceMillis(7_500);
        assertThat(breaker.remainingOpenTime()).isZero();
    }

    @Test
    void retryAfterIsRemainingOpenTime() {
        open();
        clock.advance(Duration.ofSeconds(30).minusNanos(500));

        CircuitOpenException refusal = breaker.tryAcquirePermission().toException(chat);

        assertThat(refusal.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        assertThat(refusal.retryAfter()).contains(Duration.ofNanos(500));
        assertThat(refusal.remaining()).isEqualTo(Duration.ofNanos(500));
        assertThat(refusal.chatId()).isEqualTo(chat);
    }

    @Test
    void halfOpensLazilyOnTheFirstCheckAfterTheOpenDurationAndAdmitsOneProbe() {
        open();
        clock.advanceMillis(60_000);
        assertThat(breaker.state().kind()).as("no timer: still open until asked").isEqualTo(Kind.OPEN);

        assertThat(breaker.tryAcquirePermission()).isSameAs(Permission.PROBE);
        Permission second = breaker.tryAcquirePermission();

        assertThat(breaker.state()).isEqualTo(new HalfOpen(0));
        assertThat(second.permitted()).isFalse();
        assertThat(second.retryAfter()).isEqualTo(Permission.HALF_OPEN_BUSY_RETRY_AFTER);
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
    }

    @Test
    void aSuccessfulProbeClosesTheBreaker() {
        open();
        clock.advanceMillis(30_000);
        breaker.tryAcquirePermission();
        breaker.onSuccess();

        assertThat(breaker.state()).isSameAs(Closed.HEALTHY);
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void aFailedProbeReopensForAnotherFullOpenDuration() {
        open();
        clock.advanceMillis(31_000);
        breaker.tryAcquirePermission();
        breaker.onFailure(ErrorCode.AI_PROVIDER_TIMEOUT);

        assertThat(breaker.remainingOpenTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
        assertThat(listener.transitions().get(2).at()).isEqualTo(MutableClock.EPOCH.plusSeconds(31));
    }

    @Test
    void aReleasedProbePermitCanBeTakenAgainButNeverPilesUp() {
        open();
        clock.advanceMillis(30_000);
        breaker.tryAcquirePermission();
        breaker.releasePermission();
        breaker.releasePermission();
        breaker.releasePermission();

        assertThat(breaker.state()).isEqualTo(new HalfOpen(1));
        assertThat(breaker.tryAcquirePermission().probe()).isTrue();
        assertThat(breaker.tryAcquirePermission().permitted()).isFalse();
    }

    @Test
    void lateOutcomesOfCallsAdmittedBeforeOpeningDoNotCloseOrProlongIt() {
        open();
        clock.advanceMillis(10_000);
        breaker.onSuccess();
        breaker.onFailure(ErrorCode.AI_BAD_RESPONSE);
        breaker.releasePermission();

        assertThat(breaker.state()).isEqualTo(new Open(MutableClock.EPOCH, MutableClock.EPOCH.plusSeconds(30)));
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN");
    }

    @Test
    void aThrowingListenerDoesNotBreakTheBreaker() {
        List<Throwable> reported = new ArrayList<>();
        Thread thread = Thread.currentThread();
        Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();
        thread.setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            CircuitBreaker noisy = new CircuitBreaker(chat, BreakerConfig.DEFAULTS.withFailureThreshold(1), clock,
                    t -> { throw new IllegalStateException("telemetry down"); });
            noisy.onFailure(ErrorCode.AI_PROVIDER_TIMEOUT);
            assertThat(noisy.state().kind()).isEqualTo(Kind.OPEN);
            assertThat(reported).singleElement().satisfies(e -> assertThat(e).hasMessage("telemetry down"));
        } finally {
            thread.setUncaughtExceptionHandler(previous);
        }
    }
}
