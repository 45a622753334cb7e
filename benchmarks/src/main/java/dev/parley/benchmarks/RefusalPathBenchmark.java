package dev.parley.benchmarks;

import dev.parley.domain.breaker.Permission;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The path where Parley does more than the others: every chat's breaker is OPEN and a call asks for
 * permission and is refused. Parley's refusal carries the exact remaining open time (for
 * {@code Retry-After}); Resilience4j's and Failsafe's boolean answers do not. Open duration is ten
 * minutes for all three so that no breaker half-opens during the run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@State(Scope.Thread)
public class RefusalPathBenchmark {

    private static final Duration LONG_OPEN = Duration.ofMinutes(10);

    @Param({"1", "100000"})
    public int chats;

    private ChatId[] chatIds;
    private String[] names;
    private dev.parley.domain.breaker.ChatBreakerRegistry parley;
    private CircuitBreakerRegistry resilience4j;
    private Contenders.FailsafeBreakers failsafe;
    private int next;

    @Setup
    public void openEveryChat() {
        SplittableRandom random = new SplittableRandom(2026);
        chatIds = new ChatId[chats];
        names = new String[chats];
        parley = Contenders.parley(LONG_OPEN);
        resilience4j = Contenders.resilience4j(LONG_OPEN);
        failsafe = new Contenders.FailsafeBreakers(LONG_OPEN);
        for (int i = 0; i < chats; i++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            chatIds[i] = new ChatId(id);
            names[i] = id.toString();
            for (int failure = 0; failure < 5; failure++) {
                parley.onFailure(chatIds[i], ErrorCode.AI_PROVIDER_UNAVAILABLE);
                resilience4j.circuitBreaker(names[i]).onError(0, TimeUnit.NANOSECONDS, new IllegalStateException());
                failsafe.get(names[i]).recordFailure();
            }
            if (parley.tryAcquirePermission(chatIds[i]).permitted()
                    || resilience4j.circuitBreaker(names[i]).getState() != CircuitBreaker.State.OPEN
                    || !failsafe.get(names[i]).isOpen()) {
                throw new IllegalStateException("chat " + i + " did not open in every contender");
            }
        }
    }

    private int advance() {
        int current = next;
        next = current + 1 == chats ? 0 : current + 1;
        return current;
    }

    @Benchmark
    public Permission parley() {
        return parley.tryAcquirePermission(chatIds[advance()]);
    }

    @Benchmark
    public boolean resilience4j() {
        CircuitBreaker breaker = resilience4j.circuitBreaker(names[advance()]);
        return breaker.tryAcquirePermission();
    }

    @Benchmark
    public boolean failsafe() {
        return failsafe.get(names[advance()]).tryAcquirePermit();
    }
}
