package dev.parley.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerState.Closed;
import dev.parley.domain.breaker.BreakerState.HalfOpen;
import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.testing.RecordingBreakerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChatBreakerRegistryTest {

    private final MutableClock clock = new MutableClock();
    private final RecordingBreakerListener listener = new RecordingBreakerListener();

    private ChatBreakerRegistry registry(EvictionPolicy eviction) {
        return new ChatBreakerRegistry(BreakerConfig.DEFAULTS, clock, listener, eviction);
    }

    private final ChatBreakerRegistry registry = registry(EvictionPolicy.DEFAULTS);

    private static ChatId chat(int n) {
        return new ChatId(new UUID(0, n));
    }

    private void fail(ChatBreakerRegistry target, ChatId chat, int times) {
        for (int i = 0; i < times; i++) {
            target.onFailure(chat, ErrorCode.AI_PROVIDER_TIMEOUT);
        }
    }

    @Test
    void healthyChatsHoldNoMemoryAndShareOneStatelessPermission() {
        for (int i = 0; i < 10_000; i++) {
            ChatId chat = chat(i);
            assertThat(registry.tryAcquirePermission(chat)).isSameAs(Permission.ADMITTED);
            registry.onSuccess(chat);
            registry.onFailure(chat, ErrorCode.MODERATION_BLOCKED);
            registry.releasePermission(chat);
        }
        assertThat(registry.size()).isZero();
        assertThat(registry.state(chat(1))).isSameAs(Closed.HEALTHY);
        assertThat(registry.remainingOpenTime(chat(1))).isZero();
    }

    @Test
    void aCountedFailureStartsTrackingTheChatAndASuccessForgetsItAgain() {
        fail(registry, chat(1), 3);
        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.state(chat(1))).isEqualTo(new Closed(3));

        registry.onSuccess(chat(1));

        assertThat(registry.size()).isZero();
        fail(registry, chat(1), 1);
        assertThat(registry.state(chat(1))).as("the count starts over").isEqualTo(new Closed(1));
    }

    @Test
    void chatsHaveIndependentBreakers() {
        fail(registry, chat(1), 5);
        fail(registry, chat(2), 4);

        assertThat(registry.state(chat(1)).kind()).isEqualTo(Kind.OPEN);
        assertThat(registry.state(chat(2))).isEqualTo(new Closed(4));
        assertThat(registry.tryAcquirePermission(chat(3))).isSameAs(Permission.ADMITTED);
        assertThat(listener.transitions()).singleElement().satisfies(t -> assertThat(t.chatId()).isEqualTo(chat(1)));
    }

    @Test
    void countsTheTrackedChatsInAState() {
        fail(registry, chat(1), 5);
        fail(registry, chat(2), 5);
        fail(registry, chat(3), 2);

        assertThat(registry.count(Kind.OPEN)).isEqualTo(2);
        assertThat(registry.count(Kind.CLOSED)).as("tracked chats only").isEqualTo(1);
        assertThat(registry.count(Kind.HALF_OPEN)).isZero();
    }

    @Test
    void anOpenChatRefusesWithTheExactRemainingTimeAndASuccessfulProbeForgetsIt() {
        fail(registry, chat(7), 5);
        clock.advanceMillis(20_000);
        assertThat(registry.tryAcquirePermission(chat(7)).retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(registry.remainingOpenTime(chat(7))).isEqualTo(Duration.ofSeconds(10));

        clock.advanceMillis(10_000);
        assertThat(registry.tryAcquirePermission(chat(7)).probe()).isTrue();
        registry.onSuccess(chat(7));

        assertThat(registry.size()).isZero();
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void idleClosedEntriesAreEvictedAfterTheIdleTime() {
        ChatBreakerRegistry small = registry(new EvictionPolicy(Duration.ofMinutes(10), 1_000));
        fail(small, chat(1), 2);
        clock.advance(Duration.ofMinutes(9));
        fail(small, chat(2), 2);
        clock.advance(Duration.ofMinutes(1));

        assertThat(small.evictIdle()).isEqualTo(1);

        assertThat(small.size()).isEqualTo(1);
        assertThat(small.state(chat(1))).as("forgotten").isSameAs(Closed.HEALTHY);
        assertThat(small.state(chat(2))).isEqualTo(new Closed(2));
    }

    @Test
    void idleEvictionAlsoHappensLazilyOnTheNextFailure() {
        fail(registry, chat(1), 1);
        clock.advance(Duration.ofMinutes(11));
        fail(registry, chat(2), 1);

        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.state(chat(1))).isSameAs(Closed.HEALTHY);
    }

    @Test
    void aboveTheSizeBoundTheLeastRecentlyFailedClosedEntriesGoFirst() {
        ChatBreakerRegistry small = registry(new EvictionPolicy(Duration.ofDays(1), 10));
        for (int i = 0; i < 11; i++) {
            fail(small, chat(i), 1);
            clock.advanceMillis(1);
        }
        assertThat(small.size()).as("down to 90 %% of the bound").isEqualTo(9);
        assertThat(small.state(chat(0))).isSameAs(Closed.HEALTHY);
        assertThat(small.state(chat(1))).isSameAs(Closed.HEALTHY);
        assertThat(small.state(chat(10))).isEqualTo(new Closed(1));
    }

    @Test
    void evictionNeverDropsOpenOrHalfOpenEntries() {
        ChatBreakerRegistry small = registry(new EvictionPolicy(Duration.ofSeconds(1), 3));
        List<ChatId> open = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            open.add(chat(100 + i));
            fail(small, chat(100 + i), 5);
        }
        fail(small, chat(200), 5);
        clock.advanceMillis(30_000);
        assertThat(small.tryAcquirePermission(chat(200)).probe()).isTrue();
        for (int i = 0; i < 20; i++) {
            fail(small, chat(i), 1);
        }
        clock.advance(Duration.ofHours(1));
        small.evictIdle();

        assertThat(small.size()).isEqualTo(6);
        open.forEach(chat -> assertThat(small.state(chat).kind()).isEqualTo(Kind.OPEN));
        assertThat(small.state(chat(200))).isEqualTo(new HalfOpen(0));
    }

    @Test
    void aFailureOnAnEvictedChatStartsAFreshBreaker() {
        ChatBreakerRegistry small = registry(new EvictionPolicy(Duration.ofSeconds(1), 100));
        fail(small, chat(1), 4);
        clock.advanceMillis(1_000);
        small.evictIdle();

        fail(small, chat(1), 4);

        assertThat(small.state(chat(1))).isEqualTo(new Closed(4));
    }
}
