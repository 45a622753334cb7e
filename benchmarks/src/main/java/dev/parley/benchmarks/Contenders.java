package dev.parley.benchmarks;

import dev.failsafe.CircuitBreaker;
import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The three per-chat breaker set-ups compared, all configured to the same rule: open after 5
 * consecutive failures, stay open 30 s, let 1 probe through.
 */
final class Contenders {

    private Contenders() {
    }

    static ChatBreakerRegistry parley() {
        return parley(BreakerConfig.DEFAULT_OPEN_DURATION);
    }

    static ChatBreakerRegistry parley(Duration openDuration) {
        return new ChatBreakerRegistry(BreakerConfig.DEFAULTS.withOpenDuration(openDuration), Clock.systemUTC(),
                BreakerListener.NONE);
    }

    /** Count-based window of 5 calls, 100 % failure rate: opens on 5 consecutive failures. */
    static CircuitBreakerRegistry resilience4j() {
        return resilience4j(BreakerConfig.DEFAULT_OPEN_DURATION);
    }

    static CircuitBreakerRegistry resilience4j(Duration openDuration) {
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(5)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(100)
                .waitDurationInOpenState(openDuration)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    }

    /** Failsafe has no registry: a map of breakers, one per chat, built on first use. */
    static final class FailsafeBreakers {
        private final ConcurrentHashMap<String, CircuitBreaker<Object>> breakers = new ConcurrentHashMap<>();
        private final Function<String, CircuitBreaker<Object>> create;

        FailsafeBreakers() {
            this(BreakerConfig.DEFAULT_OPEN_DURATION);
        }

        FailsafeBreakers(Duration openDuration) {
            create = key -> CircuitBreaker.builder()
                    .withFailureThreshold(5)
                    .withDelay(openDuration)
                    .withSuccessThreshold(1)
                    .build();
        }

        CircuitBreaker<Object> get(String chatId) {
            return breakers.computeIfAbsent(chatId, create);
        }

        int size() {
            return breakers.size();
        }
    }
}
