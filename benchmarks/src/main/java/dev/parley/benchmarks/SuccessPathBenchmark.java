package dev.parley.benchmarks;

import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.Permission;
import dev.parley.domain.chat.ChatId;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The success path of a chat's breaker as the send-message use case walks it: look up the chat's
 * breaker, ask for permission, record a success. The same work for Parley's registry, a
 * Resilience4j {@code CircuitBreakerRegistry} keyed by chat id, and a map of Failsafe breakers;
 * over one chat, or round-robin over 100 000 distinct chats. Subclasses fix the thread count.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class SuccessPathBenchmark {

    /** The three contenders and the chat keys, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Chats {
        @Param({"1", "100000"})
        public int chats;

        ChatId[] chatIds;
        String[] names;
        ChatBreakerRegistry parley;
        CircuitBreakerRegistry resilience4j;
        Contenders.FailsafeBreakers failsafe;
        final AtomicInteger threads = new AtomicInteger();

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(2026);
            chatIds = new ChatId[chats];
            names = new String[chats];
            for (int i = 0; i < chats; i++) {
                UUID id = new UUID(random.nextLong(), random.nextLong());
                chatIds[i] = new ChatId(id);
                names[i] = id.toString();
            }
            parley = Contenders.parley();
            resilience4j = Contenders.resilience4j();
            failsafe = new Contenders.FailsafeBreakers();
        }
    }

    /** Each thread walks the keys from its own offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup
        public void setUp(Chats chats) {
            next = chats.threads.getAndIncrement() * 7919 % chats.chats;
        }

        int advance(int size) {
            int current = next;
            next = current + 1 == size ? 0 : current + 1;
            return current;
        }
    }

    @Benchmark
    public boolean parley(Chats chats, Cursor cursor) {
        ChatId chat = chats.chatIds[cursor.advance(chats.chats)];
        Permission permission = chats.parley.tryAcquirePermission(chat);
        if (permission.permitted()) {
            chats.parley.onSuccess(chat);
            return true;
        }
        return false;
    }

    @Benchmark
    public boolean resilience4j(Chats chats, Cursor cursor) {
        CircuitBreaker breaker = chats.resilience4j.circuitBreaker(chats.names[cursor.advance(chats.chats)]);
        if (breaker.tryAcquirePermission()) {
            breaker.onSuccess(0, TimeUnit.NANOSECONDS);
            return true;
        }
        return false;
    }

    @Benchmark
    public boolean failsafe(Chats chats, Cursor cursor) {
        dev.failsafe.CircuitBreaker<Object> breaker = chats.failsafe.get(chats.names[cursor.advance(chats.chats)]);
        if (breaker.tryAcquirePermit()) {
            breaker.recordSuccess();
            return true;
        }
        return false;
    }
}
