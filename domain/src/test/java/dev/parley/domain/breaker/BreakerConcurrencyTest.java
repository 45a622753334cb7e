package dev.parley.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerState.Closed;
import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.testing.RecordingBreakerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real threads released together by a latch; no sleeping, only waiting for the threads to finish. */
class BreakerConcurrencyTest {

    private static final int THREADS = 8;
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final MutableClock clock = new MutableClock();
    private final RecordingBreakerListener listener = new RecordingBreakerListener();

    @AfterEach
    void stopThreads() {
        pool.shutdownNow();
    }

    /** Runs {@code body(threadIndex)} on all threads at once and waits until every one has finished. */
    private void race(IntConsumer body) throws Exception {
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            done.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                body.accept(index);
                return null;
            }));
        }
        ready.await();
        go.countDown();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
    }

    private CircuitBreaker openBreaker(BreakerConfig config) {
        CircuitBreaker breaker = new CircuitBreaker(new ChatId(UUID.randomUUID()), config, clock, listener);
        for (int i = 0; i < config.failureThreshold(); i++) {
            breaker.onFailure(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        }
        clock.advance(config.openDuration());
        return breaker;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void halfOpenAdmitsExactlyKProbesUnderContention(int permits) throws Exception {
        for (int round = 0; round < 200; round++) {
            CircuitBreaker breaker = openBreaker(BreakerConfig.DEFAULTS.withHalfOpenPermits(permits));
            AtomicInteger probes = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();

            race(t -> {
                for (int i = 0; i < 4; i++) {
                    Permission permission = breaker.tryAcquirePermission();
                    (permission.probe() ? probes : refused).incrementAndGet();
                }
            });

            assertThat(probes).as("round %d", round).hasValue(permits);
            assertThat(refused).hasValue(THREADS * 4 - permits);
            assertThat(breaker.state()).isEqualTo(new BreakerState.HalfOpen(0));
        }
        assertThat(listener.count(Kind.OPEN, Kind.HALF_OPEN)).isEqualTo(200);
    }

    @Test
    void listenerIsToldExactlyOncePerTransitionUnderContention() throws Exception {
        for (int round = 0; round < 200; round++) {
            CircuitBreaker breaker = new CircuitBreaker(new ChatId(UUID.randomUUID()), BreakerConfig.DEFAULTS, clock, listener);
            race(t -> {
                for (int i = 0; i < 10; i++) {
                    breaker.onFailure(ErrorCode.AI_PROVIDER_TIMEOUT);
                }
            });
            clock.advance(Duration.ofSeconds(30));
            race(t -> breaker.tryAcquirePermission());
            race(t -> {
                if (t % 2 == 0) {
                    breaker.onSuccess();
                } else {
                    breaker.onFailure(ErrorCode.AI_BAD_RESPONSE);
                }
            });
        }
        assertThat(listener.count(Kind.CLOSED, Kind.OPEN)).isEqualTo(200);
        assertThat(listener.count(Kind.OPEN, Kind.HALF_OPEN)).isEqualTo(200);
        assertThat(listener.count(Kind.HALF_OPEN, Kind.CLOSED) + listener.count(Kind.HALF_OPEN, Kind.OPEN)).isEqualTo(200);
    }

    @Test
    void concurrentFailuresOnAFreshChatAreAllCounted() throws Exception {
        ChatBreakerRegistry registry = new ChatBreakerRegistry(BreakerConfig.DEFAULTS.withFailureThreshold(10_000),
                clock, listener);
        ChatId chat = new ChatId(UUID.randomUUID());
        race(t -> {
            for (int i = 0; i < 500; i++) {
                registry.onFailure(chat, ErrorCode.AI_PROVIDER_TIMEOUT);
            }
        });
        assertThat(registry.state(chat)).isEqualTo(new Closed(THREADS * 500));
    }

    @Test
    void successesRacingFailuresNeverLoseAnOpenBreaker() throws Exception {
        ChatBreakerRegistry registry = new ChatBreakerRegistry(BreakerConfig.DEFAULTS.withFailureThreshold(2),
                clock, listener);
        List<ChatId> chats = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            chats.add(new ChatId(new UUID(1, i)));
        }
        race(t -> {
            for (ChatId chat : chats) {
                for (int i = 0; i < 3; i++) {
                    if (t % 2 == 0) {
                        registry.onSuccess(chat);
                    } else {
                        registry.onFailure(chat, ErrorCode.AI_PROVIDER_UNAVAILABLE);
                    }
                }
            }
        });
        for (ChatId chat : chats) {
            long opened = listener.transitions().stream().filter(t -> t.chatId().equals(chat)).count();
            assertThat(opened).as("the clock stands still: at most one CLOSED->OPEN").isLessThanOrEqualTo(1);
            assertThat(registry.state(chat).kind()).isEqualTo(opened == 1 ? Kind.OPEN : Kind.CLOSED);
        }
    }

    @Test
    void evictionRacingFailuresNeverLosesAnOpenBreaker() throws Exception {
        ChatBreakerRegistry registry = new ChatBreakerRegistry(BreakerConfig.DEFAULTS, clock, listener,
                new EvictionPolicy(Duration.ofMillis(1), 5));
        race(t -> {
            for (int i = 0; i < 2_000; i++) {
                if (t == 0) {
                    registry.evictIdle();
                } else {
                    registry.onFailure(new ChatId(new UUID(2, i % 300)), ErrorCode.AI_PROVIDER_TIMEOUT);
                }
            }
        });
        assertThat(listener.transitions()).isNotEmpty();
        listener.transitions().forEach(t -> assertThat(registry.state(t.chatId()).kind()).isEqualTo(Kind.OPEN));
        assertThat(registry.size()).isGreaterThanOrEqualTo(listener.transitions().size());
    }
}
