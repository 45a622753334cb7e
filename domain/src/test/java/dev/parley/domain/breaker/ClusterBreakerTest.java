package dev.parley.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.testing.InMemorySharedBreakers;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.testing.RecordingBreakerListener;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two instances' registries over one shared store (the adapter's semantics, in memory): the database
 * keeps its own time, and the second instance's clock runs 7 s ahead of the first's, as clocks of
 * different machines may.
 */
class ClusterBreakerTest {

    private static final Duration OPEN = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofSeconds(25);
    private static final ChatId CHAT = new ChatId(new UUID(0, 42));

    private final MutableClock database = new MutableClock();
    private final MutableClock firstClock = new MutableClock();
    private final MutableClock secondClock = new MutableClock(MutableClock.EPOCH.plusSeconds(7));
    private final InMemorySharedBreakers store = new InMemorySharedBreakers(database, LEASE);
    private final RecordingBreakerListener firstMoves = new RecordingBreakerListener();
    private final RecordingBreakerListener secondMoves = new RecordingBreakerListener();
    private final ChatBreakerRegistry first = registry(firstClock, firstMoves);
    private final ChatBreakerRegistry second = registry(secondClock, secondMoves);

    private ChatBreakerRegistry registry(MutableClock clock, RecordingBreakerListener listener) {
        return new ChatBreakerRegistry(BreakerConfig.DEFAULTS.withOpenDuration(OPEN), clock, listener,
                EvictionPolicy.DEFAULTS, store);
    }

    /** Time passes for the database and both instances alike. */
    private void advance(Duration by) {
        database.advance(by);
        firstClock.advance(by);
        secondClock.advance(by);
    }

    private void open(ChatBreakerRegistry registry) {
        for (int i = 0; i < BreakerConfig.DEFAULT_FAILURE_THRESHOLD; i++) {
            registry.onFailure(CHAT, ErrorCode.AI_PROVIDER_UNAVAILABLE);
        }
    }

    private void synchronizeBoth() {
        first.synchronize();
        second.synchronize();
    }

    @Test
    void aHealthyChatNeverReachesTheStore() {
        for (int i = 0; i < 1000; i++) {
            ChatId chat = new ChatId(new UUID(1, i));
            assertThat(first.tryAcquirePermission(chat)).isSameAs(Permission.ADMITTED);
            first.onSuccess(chat);
            first.releasePermission(chat);
        }
        first.onFailure(CHAT, ErrorCode.AI_PROVIDER_TIMEOUT); // counted, but the breaker stays closed
        first.tryAcquirePermission(CHAT);

        assertThat(store.calls()).isZero();
        assertThat(first.size()).isEqualTo(1);
    }

    @Test
    void anOpeningOnOneInstanceRefusesOnTheOtherAfterOneSynchronisationWithTheSameRemainingTime() {
        open(first);
        advance(Duration.ofMillis(400));
        assertThat(second.tryAcquirePermission(CHAT).permitted()).isTrue(); // not synchronised yet

        second.synchronize();

        Permission onFirst = first.tryAcquirePermission(CHAT);
        Permission onSecond = second.tryAcquirePermission(CHAT);
        assertThat(onFirst.permitted()).isFalse();
        assertThat(onSecond.permitted()).isFalse();
        assertThat(onSecond.state()).isEqualTo(Kind.OPEN);
        // the second clock is 7 s ahead: the remaining time is still the same, measured by the database
        assertThat(onSecond.retryAfter()).isEqualTo(OPEN.minusMillis(400)).isEqualTo(onFirst.retryAfter());
        assertThat(secondMoves.moves()).containsExactly("CLOSED->OPEN");
        assertThat(second.count(Kind.OPEN)).isEqualTo(1);
    }

    @Test
    void afterTheOpenTimeOneProbePassesClusterWideAndItsSuccessClosesTheBreakerEverywhere() {
        open(first);
        synchronizeBoth();
        advance(OPEN);

        Permission probe = second.tryAcquirePermission(CHAT);
        Permission onFirst = first.tryAcquirePermission(CHAT);
        Permission againOnSecond = second.tryAcquirePermission(CHAT);

        assertThat(probe.probe()).isTrue();
        assertThat(onFirst.permitted()).isFalse();
        assertThat(onFirst.state()).isEqualTo(Kind.HALF_OPEN);
        assertThat(onFirst.retryAfter()).isEqualTo(Permission.HALF_OPEN_BUSY_RETRY_AFTER);
        assertThat(againOnSecond.permitted()).isFalse();

        second.onSuccess(CHAT);
        assertThat(second.state(CHAT)).isEqualTo(BreakerState.Closed.HEALTHY);
        assertThat(store.has(CHAT)).isFalse();
        synchronizeBoth();

        assertThat(first.tryAcquirePermission(CHAT)).isSameAs(Permission.ADMITTED);
        assertThat(first.size()).isZero();
        assertThat(firstMoves.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        synchronizeBoth(); // the closing instance does not pick its own closed breaker up again
        assertThat(second.size()).isZero();
        assertThat(second.tryAcquirePermission(CHAT)).isSameAs(Permission.ADMITTED);
    }

    @Test
    void anOpenBreakerClosedElsewhereClosesHereThroughHalfOpen() {
        open(first);
        synchronizeBoth();
        advance(OPEN);
        assertThat(first.tryAcquirePermission(CHAT).probe()).isTrue();
        first.onSuccess(CHAT);

        second.synchronize(); // second never asked: its breaker was still OPEN (elapsed)

        assertThat(second.size()).isZero();
        assertThat(secondMoves.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void aFailedProbeReopensEverywhereForAFullOpenTime() {
        open(first);
        synchronizeBoth();
        advance(OPEN);
        assertThat(first.tryAcquirePermission(CHAT).probe()).isTrue();
        assertThat(second.tryAcquirePermission(CHAT).permitted()).isFalse();

        advance(Duration.ofSeconds(2));
        first.onFailure(CHAT, ErrorCode.AI_PROVIDER_TIMEOUT);
        advance(Duration.ofMillis(300));
        second.synchronize();

        Permission onSecond = second.tryAcquirePermission(CHAT);
        assertThat(onSecond.state()).isEqualTo(Kind.OPEN);
        assertThat(onSecond.retryAfter()).isEqualTo(OPEN.minusMillis(300));
        assertThat(first.tryAcquirePermission(CHAT).retryAfter()).isEqualTo(OPEN.minusMillis(300));
        assertThat(secondMoves.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
    }

    @Test
    void anInstanceThatMissedTheReopeningLearnsItFromItsLostClaim() {
        open(first);
        synchronizeBoth();
        advance(OPEN);
        assertThat(first.tryAcquirePermission(CHAT).probe()).isTrue();
        first.onFailure(CHAT, ErrorCode.AI_BAD_RESPONSE); // re-opened; second has not synchronised
        advance(Duration.ofSeconds(1));

        Permission onSecond = second.tryAcquirePermission(CHAT);

        assertThat(onSecond.state()).isEqualTo(Kind.OPEN);
        assertThat(onSecond.retryAfter()).isEqualTo(OPEN.minusSeconds(1));
        assertThat(second.state(CHAT)).isInstanceOf(BreakerState.Open.class);
    }

    @Test
    void aProbeWhoseOutcomeSaysNothingGivesItsClaimBackClusterWide() {
        open(first);
        synchronizeBoth();
        advance(OPEN);
        assertThat(first.tryAcquirePermission(CHAT).probe()).isTrue();
        assertThat(second.tryAcquirePermission(CHAT).permitted()).isFalse();

        first.releasePermission(CHAT); // e.g. INTERNAL_ERROR: nothing learned about the provider
        second.synchronize();

        assertThat(second.tryAcquirePermission(CHAT).probe()).isTrue();
        assertThat(first.tryAcquirePermission(CHAT).permitted()).isFalse();
    }

    @Test
    void aProbeClaimOfAnInstanceThatDiedLapsesAfterItsLease() {
        open(first);
        synchronizeBoth();
        advance(OPEN);
        assertThat(first.tryAcquirePermission(CHAT).probe()).isTrue(); // and first goes away
        assertThat(second.tryAcquirePermission(CHAT).permitted()).isFalse();

        advance(LEASE.minusSeconds(1));
        second.synchronize();
        assertThat(second.tryAcquirePermission(CHAT).permitted()).isFalse();

        advance(Duration.ofSeconds(1));
        second.synchronize();
        assertThat(second.tryAcquirePermission(CHAT).probe()).isTrue();
    }

    @Test
    void withTheStoreAwayEachInstanceKeepsItsOwnBreakerAndWritesItsOpeningWhenTheStoreIsBack() {
        store.down(true);
        open(first);

        assertThat(first.tryAcquirePermission(CHAT).permitted()).isFalse();
        assertThatThrownBy(first::synchronize).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(second::synchronize).isInstanceOf(IllegalStateException.class);
        assertThat(first.state(CHAT)).isInstanceOf(BreakerState.Open.class);
        assertThat(second.tryAcquirePermission(CHAT)).isSameAs(Permission.ADMITTED);

        store.down(false);
        advance(Duration.ofSeconds(1));
        first.synchronize(); // writes the opening
        second.synchronize();

        Permission onSecond = second.tryAcquirePermission(CHAT);
        assertThat(onSecond.state()).isEqualTo(Kind.OPEN);
        assertThat(onSecond.retryAfter()).isEqualTo(OPEN); // opened in the store when the store saw it
    }

    @Test
    void withTheStoreAwayAProbeStillPassesLocally() {
        open(first);
        advance(OPEN);
        store.down(true);

        assertThat(first.tryAcquirePermission(CHAT).probe()).isTrue();
        first.onSuccess(CHAT);

        assertThat(first.size()).isZero();
        store.down(false);
        first.synchronize(); // the closing is written now
        second.synchronize();
        assertThat(store.has(CHAT)).isFalse();
        assertThat(second.size()).isZero();
    }

    @Test
    void anOpeningStillOnItsWayIsNotUndoneByTheOlderRowASynchronisationReads() {
        open(first);
        synchronizeBoth();
        advance(OPEN);
        assertThat(first.tryAcquirePermission(CHAT).probe()).isTrue();
        store.holdWrites();
        first.onFailure(CHAT, ErrorCode.AI_PROVIDER_TIMEOUT); // the probe failed: re-opened, not written yet

        first.synchronize(); // reads the old, elapsed opening
        assertThat(first.tryAcquirePermission(CHAT).retryAfter()).isEqualTo(OPEN);

        store.releaseWrites();
        advance(Duration.ofMillis(200));
        second.synchronize();
        assertThat(second.tryAcquirePermission(CHAT).retryAfter()).isEqualTo(OPEN.minusMillis(200));
        assertThat(first.tryAcquirePermission(CHAT).retryAfter()).isEqualTo(OPEN.minusMillis(200));
    }

    @Test
    void twoInstancesOpeningTheSameChatShareOneOpening() {
        open(first);
        advance(Duration.ofSeconds(3));
        open(second); // before it synchronised

        Permission onSecond = second.tryAcquirePermission(CHAT);

        assertThat(onSecond.retryAfter()).isEqualTo(OPEN.minusSeconds(3)); // the first opening holds
        synchronizeBoth();
        assertThat(first.tryAcquirePermission(CHAT).retryAfter()).isEqualTo(OPEN.minusSeconds(3));
    }
}
