package dev.parley.domain.breaker;

import static dev.parley.domain.breaker.BreakerEvent.COUNTED_FAILURE;
import static dev.parley.domain.breaker.BreakerEvent.PERMISSION_REQUESTED;
import static dev.parley.domain.breaker.BreakerEvent.PERMIT_RELEASED;
import static dev.parley.domain.breaker.BreakerEvent.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.breaker.BreakerState.Closed;
import dev.parley.domain.breaker.BreakerState.HalfOpen;
import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.breaker.BreakerState.Open;
import dev.parley.domain.chat.ChatId;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BreakerTransitionsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final BreakerTransitions rules = new BreakerTransitions(BreakerConfig.DEFAULTS.withHalfOpenPermits(2));

    @Test
    void closedCountsCountedFailuresOneByOne() {
        assertThat(rules.next(Closed.HEALTHY, COUNTED_FAILURE, T0)).isEqualTo(new Closed(1));
        assertThat(rules.next(new Closed(3), COUNTED_FAILURE, T0)).isEqualTo(new Closed(4));
    }

    @Test
    void fourthConsecutiveFailureKeepsItClosedAndFifthOpensForThirtySeconds() {
        BreakerState state = Closed.HEALTHY;
        for (int i = 0; i < 4; i++) {
            state = rules.next(state, COUNTED_FAILURE, T0);
        }
        assertThat(state).isEqualTo(new Closed(4));

        assertThat(rules.next(state, COUNTED_FAILURE, T0)).isEqualTo(new Open(T0, T0.plusSeconds(30)));
    }

    @Test
    void successResetsTheCountToTheSharedHealthyState() {
        assertThat(rules.next(new Closed(4), SUCCESS, T0)).isSameAs(Closed.HEALTHY);
    }

    @Test
    void closedIgnoresPermissionRequestsReleasesAndSuccessesWhenHealthy() {
        Closed closed = new Closed(2);
        assertThat(rules.next(closed, PERMISSION_REQUESTED, T0)).isSameAs(closed);
        assertThat(rules.next(closed, PERMIT_RELEASED, T0)).isSameAs(closed);
        assertThat(rules.next(Closed.HEALTHY, SUCCESS, T0)).isSameAs(Closed.HEALTHY);
    }

    @Test
    void openRefusesUntilOpenUntilAndHalfOpensExactlyThen() {
        Open open = rules.openAt(T0);
        assertThat(rules.next(open, PERMISSION_REQUESTED, T0.plusSeconds(30).minusNanos(1))).isSameAs(open);
        assertThat(rules.next(open, PERMISSION_REQUESTED, T0.plusSeconds(30))).isEqualTo(new HalfOpen(1));
    }

    @Test
    void openIgnoresLateSuccessesFailuresAndReleases() {
        Open open = rules.openAt(T0);
        Instant later = T0.plusSeconds(40);
        assertThat(rules.next(open, SUCCESS, later)).as("OPEN never goes to CLOSED directly").isSameAs(open);
        assertThat(rules.next(open, COUNTED_FAILURE, later)).as("late failures do not prolong it").isSameAs(open);
        assertThat(rules.next(open, PERMIT_RELEASED, later)).isSameAs(open);
    }

    @Test
    void halfOpenHandsOutPermitsDownToZeroAndNoFurther() {
        BreakerState one = rules.next(new HalfOpen(2), PERMISSION_REQUESTED, T0);
        BreakerState zero = rules.next(one, PERMISSION_REQUESTED, T0);
        assertThat(one).isEqualTo(new HalfOpen(1));
        assertThat(zero).isEqualTo(new HalfOpen(0));
        assertThat(rules.next(zero, PERMISSION_REQUESTED, T0)).isSameAs(zero);
    }

    @Test
    void probeSuccessClosesAndProbeFailureReopensForAFullDuration() {
        Instant later = T0.plusSeconds(31);
        assertThat(rules.next(new HalfOpen(0), SUCCESS, later)).isSameAs(Closed.HEALTHY);
        assertThat(rules.next(new HalfOpen(0), COUNTED_FAILURE, later)).isEqualTo(new Open(later, later.plusSeconds(30)));
    }

    @Test
    void releasedPermitsComeBackButNeverAboveTheConfiguredNumber() {
        assertThat(rules.next(new HalfOpen(0), PERMIT_RELEASED, T0)).isEqualTo(new HalfOpen(1));
        HalfOpen full = new HalfOpen(2);
        assertThat(rules.next(full, PERMIT_RELEASED, T0)).isSameAs(full);
    }

    @Test
    void halfOpenPermitsCannotBeNegative() {
        assertThatThrownBy(() -> new HalfOpen(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Closed(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Open(T0, T0.minusNanos(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheFourDocumentedMovesBetweenKindsAreLegal() {
        assertThat(Kind.CLOSED.canTransitionTo(Kind.OPEN)).isTrue();
        assertThat(Kind.OPEN.canTransitionTo(Kind.HALF_OPEN)).isTrue();
        assertThat(Kind.HALF_OPEN.canTransitionTo(Kind.CLOSED)).isTrue();
        assertThat(Kind.HALF_OPEN.canTransitionTo(Kind.OPEN)).isTrue();

        assertThat(Kind.OPEN.canTransitionTo(Kind.CLOSED)).isFalse();
        assertThat(Kind.CLOSED.canTransitionTo(Kind.HALF_OPEN)).isFalse();
        for (Kind kind : Kind.values()) {
            assertThat(kind.canTransitionTo(kind)).as("%s to itself is no transition", kind).isFalse();
        }
    }

    @Test
    void anIllegalTransitionCannotEvenBeReported() {
        ChatId chat = new ChatId(UUID.randomUUID());
        assertThatThrownBy(() -> new CircuitTransition(chat, rules.openAt(T0), Closed.HEALTHY, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OPEN -> CLOSED");
        assertThatThrownBy(() -> new CircuitTransition(chat, Closed.HEALTHY, new HalfOpen(1), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLOSED -> HALF_OPEN");
    }

    @ParameterizedTest
    @EnumSource(BreakerEvent.class)
    void everyEventFromEveryStateLandsOnALegalState(BreakerEvent event) {
        BreakerState[] states = {Closed.HEALTHY, new Closed(4), rules.openAt(T0), new HalfOpen(0), new HalfOpen(2)};
        for (BreakerState state : states) {
            for (Instant now : new Instant[] {T0, T0.plusSeconds(30), T0.plusSeconds(3600)}) {
                BreakerState next = rules.next(state, event, now);
                assertThat(next.kind() == state.kind() || state.kind().canTransitionTo(next.kind()))
                        .as("%s --%s--> %s", state, event, next).isTrue();
            }
        }
    }

    @Test
    void remainingOpenTimeIsExactAndNeverNegative() {
        Open open = rules.openAt(T0);
        assertThat(open.remaining(T0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(open.remaining(T0.plusMillis(12_345))).isEqualTo(Duration.ofMillis(17_655));
        assertThat(open.remaining(T0.plusSeconds(99))).isEqualTo(Duration.ZERO);
    }
}
