package dev.parley.application.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.application.limit.UserQuotas.Permit;
import dev.parley.application.limit.UserRateLimitedException.Limit;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.user.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryUserQuotasTest {
    private static final UserId ALICE = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final UserId BOB = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000b0"));
    private static final Duration MAX_HOLD = Duration.ofSeconds(55);

    private final MutableClock clock = new MutableClock();
    private final InMemoryUserQuotas quotas = new InMemoryUserQuotas(UserLimits.DEFAULTS, clock, MAX_HOLD);

    private static Optional<UserRateLimitedException> refusal(Runnable call) {
        try {
            call.run();
            return Optional.empty();
        } catch (UserRateLimitedException e) {
            return Optional.of(e);
        }
    }

    @Test
    void fourTurnsMayGenerateAtOnceAndTheFifthWaitsForOneToEnd() {
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(quotas.admitSend(ALICE));
        }

        assertThatThrownBy(() -> quotas.admitSend(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
            assertThat(e.limit()).isEqualTo(Limit.IN_FLIGHT);
            assertThat(e.max()).isEqualTo(4);
            assertThat(e.code().retryable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        });
        assertThat(quotas.sendsInWindow(ALICE)).as("a refused send does not count").isEqualTo(4);

        held.get(0).release();
        held.get(0).release(); // idempotent: frees one place, not two
        quotas.admitSend(ALICE);
        assertThat(refusal(() -> quotas.admitSend(ALICE))).isPresent();
        assertThat(quotas.generating(ALICE)).isEqualTo(4);
    }

    @Test
    void theWindowSlidesAndTheWaitIsExactlyUntilTheOldestSendLeavesIt() {
        for (int i = 0; i < 30; i++) {
            quotas.admitSend(ALICE).release();
            clock.advance(Duration.ofMillis(1500)); // sends at 0, 1.5, 3, ... 43.5 s
        }
        // now 45 s: the send at 0 s leaves the window at 60 s
        assertThatThrownBy(() -> quotas.admitSend(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
            assertThat(e.limit()).isEqualTo(Limit.SENDS_PER_MINUTE);
            assertThat(e.max()).isEqualTo(30);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(15));
        });

        clock.advance(Duration.ofMillis(14_999));
        assertThat(refusal(() -> quotas.admitSend(ALICE))).hasValueSatisfying(
                e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(1)));
        clock.advance(Duration.ofMillis(1));
        quotas.admitSend(ALICE).release(); // at 60 s the first one left: one place
        assertThat(refusal(() -> quotas.admitSend(ALICE))).hasValueSatisfying(
                e -> assertThat(e.retryAfter()).as("the send at 1.5 s leaves at 61.5 s")
                        .contains(Duration.ofMillis(1500)));
        assertThat(quotas.sendsInWindow(ALICE)).isEqualTo(30);
    }

    @Test
    void whenBothLimitsRefuseTheLongerWaitIsReported() {
        for (int i = 0; i < 26; i++) {
            quotas.admitSend(ALICE).release();
        }
        clock.advance(Duration.ofSeconds(50));
        for (int i = 0; i < 4; i++) {
            quotas.admitSend(ALICE); // still generating
        }
        assertThat(refusal(() -> quotas.admitSend(ALICE))).hasValueSatisfying(e -> {
            assertThat(e.limit()).isEqualTo(Limit.SENDS_PER_MINUTE);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(10));
        });
        clock.advance(Duration.ofSeconds(9));
        assertThat(refusal(() -> quotas.admitSend(ALICE))).hasValueSatisfying(e -> {
            assertThat(e.limit()).isEqualTo(Limit.IN_FLIGHT);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        });
    }

    @Test
    void aWithdrawnSendGivesItsPlaceInTheWindowBack() {
        for (int i = 0; i < 29; i++) {
            quotas.admitSend(ALICE).release();
        }
        Permit repeat = quotas.admitSend(ALICE);
        assertThat(refusal(() -> quotas.admitSend(ALICE))).isPresent();

        repeat.withdraw();
        repeat.withdraw();

        assertThat(quotas.sendsInWindow(ALICE)).isEqualTo(29);
        assertThat(quotas.generating(ALICE)).isZero();
        quotas.admitSend(ALICE);
        assertThat(refusal(() -> quotas.admitSend(ALICE))).isPresent();
    }

    @Test
    void aPermitNeverReleasedStopsCountingAfterTheLongestATurnCanTake() {
        for (int i = 0; i < 4; i++) {
            quotas.admitSend(ALICE); // lost: never released
        }
        clock.advance(MAX_HOLD.minusMillis(1));
        assertThat(refusal(() -> quotas.admitSend(ALICE))).isPresent();

        clock.advance(Duration.ofMillis(1));

        assertThat(quotas.generating(ALICE)).isZero();
        quotas.admitSend(ALICE);
    }

    @Test
    void eventStreamsAreCountedUntilReleasedEachUserOnItsOwn() {
        List<Permit> streams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            streams.add(quotas.openStream(ALICE));
        }

        assertThatThrownBy(() -> quotas.openStream(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
            assertThat(e.limit()).isEqualTo(Limit.EVENT_STREAMS);
            assertThat(e.max()).isEqualTo(10);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
        });
        quotas.openStream(BOB);
        quotas.admitSend(ALICE); // streams and sends are separate limits

        streams.get(3).release();
        streams.get(3).withdraw();
        assertThat(quotas.streams(ALICE)).isEqualTo(9);
        quotas.openStream(ALICE);
        assertThat(refusal(() -> quotas.openStream(ALICE))).isPresent();
    }

    @Test
    void idleUsersAreForgottenSoMemoryStaysBounded() {
        InMemoryUserQuotas longTurns = new InMemoryUserQuotas(UserLimits.DEFAULTS, clock, Duration.ofMinutes(10));
        for (int i = 0; i < 10_000; i++) {
            longTurns.admitSend(new UserId(new UUID(7, i))).release();
        }
        Permit stream = longTurns.openStream(ALICE);
        Permit turn = longTurns.admitSend(BOB);
        assertThat(longTurns.trackedUsers()).isEqualTo(10_002);

        longTurns.evictIdle();
        assertThat(longTurns.trackedUsers()).as("their sends are still in the window").isEqualTo(10_002);

        clock.advance(InMemoryUserQuotas.WINDOW);
        longTurns.evictIdle();
        assertThat(longTurns.trackedUsers()).as("only users holding a permit stay").isEqualTo(2);

        stream.release();
        turn.release();
        clock.advance(InMemoryUserQuotas.WINDOW);
        longTurns.evictIdle();
        assertThat(longTurns.trackedUsers()).isZero();
        longTurns.admitSend(BOB); // an evicted user starts afresh
        assertThat(longTurns.sendsInWindow(BOB)).isEqualTo(1);
    }

    @Test
    void manyThreadsNeverGetMorePermitsThanTheLimitsAllow() throws Exception {
        InMemoryUserQuotas wide = new InMemoryUserQuotas(new UserLimits(4, 1_000, 10), clock, MAX_HOLD);
        int threads = 16;
        int rounds = 500;
        AtomicInteger generating = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        Permit permit;
                        try {
                            permit = wide.admitSend(ALICE);
                        } catch (UserRateLimitedException e) {
                            refused.incrementAndGet();
                            continue;
                        }
                        admitted.incrementAndGet();
                        int now = generating.incrementAndGet();
                        mostAtOnce.accumulateAndGet(now, Math::max);
                        Thread.yield();
                        generating.decrementAndGet();
                        if (i % 2 == 0) {
                            permit.release();
                            released.incrementAndGet();
                        } else {
                            permit.withdraw(); // gives its window place back
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(errors).isEmpty();
        assertThat(admitted.get() + refused.get()).isEqualTo(threads * rounds);
        assertThat(mostAtOnce.get()).isBetween(1, 4);
        assertThat(wide.generating(ALICE)).isZero();
        assertThat(wide.sendsInWindow(ALICE)).as("the released ones stay in the window, the withdrawn ones do not")
                .isEqualTo(released.get()).isLessThanOrEqualTo(1_000);
    }

    @Test
    void exactlyTheLimitIsAdmittedWhenManyThreadsRaceForTheLastPlaces() throws Exception {
        for (int round = 0; round < 50; round++) {
            UserId user = new UserId(new UUID(9, round));
            int threads = 12;
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger sends = new AtomicInteger();
            AtomicInteger streams = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 5; i++) {
                        if (refusal(() -> quotas.admitSend(user)).isEmpty()) {
                            sends.incrementAndGet();
                        }
                        if (refusal(() -> quotas.openStream(user)).isEmpty()) {
                            streams.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(sends.get()).as("never released: exactly the in-flight limit").isEqualTo(4);
            assertThat(streams.get()).isEqualTo(10);
            assertThat(quotas.generating(user)).isEqualTo(4);
            assertThat(quotas.streams(user)).isEqualTo(10);
        }
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new UserLimits(0, 30, 10)).hasMessageContaining("inFlight");
        assertThatThrownBy(() -> new UserLimits(4, -1, 10)).hasMessageContaining("sendsPerMinute");
        assertThatThrownBy(() -> new UserLimits(4, 30, 0)).hasMessageContaining("eventStreams");
        assertThatThrownBy(() -> new InMemoryUserQuotas(UserLimits.DEFAULTS, clock, Duration.ZERO))
                .hasMessageContaining("maxHold");
    }
}
