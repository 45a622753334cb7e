package dev.parley.rest.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.ChatId;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded event streams (issue #13, point 8): caps per chat and in all, a maximum lifetime, stuck clients. */
class ChatEventStreamsTest {
    private final FakeSse sse = new FakeSse();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);
    private static final Runnable NOTHING = () -> { };
    private final ChatEventHub hub = new ChatEventHub();

    private void start(int perChat, int total, long lifetimeMs) {
        hub.keepAliveMs = 60_000;
        hub.maxStreamsPerChat = perChat;
        hub.maxStreams = total;
        hub.maxLifetimeMs = lifetimeMs;
        hub.pollIntervalMs = 60_000;
        hub.maxReplay = 1000;
        hub.log = new InMemoryChatEventLog();
        hub.start(executor, String::valueOf);
    }

    @AfterEach
    void stop() {
        hub.stop();
        executor.shutdownNow();
    }

    private static ChatId chat() {
        return new ChatId(UUID.randomUUID());
    }

    /** Waits up to 5 s for {@code done}, spinning (also used by {@link ChatEventFanOutTest}). */
    static void await(BooleanSupplier done, String what) {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError(what + " did not happen in time");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aChatTakesAtMostItsCapOfStreams() {
        start(2, 100, 60_000);
        ChatId chat = chat();
        hub.subscribe(chat, new FakeSse.Sink(), sse, NOTHING);
        hub.subscribe(chat, new FakeSse.Sink(), sse, NOTHING);

        assertThatThrownBy(() -> hub.subscribe(chat, new FakeSse.Sink(), sse, NOTHING))
                .isInstanceOf(TooManyStreamsException.class);
        assertThat(hub.streams(chat)).isEqualTo(2);
        hub.subscribe(chat(), new FakeSse.Sink(), sse, NOTHING);
        assertThat(hub.streams()).isEqualTo(3);
    }

    @Test
    void theServerTakesAtMostItsCapOfStreamsInAll() {
        start(10, 3, 60_000);
        for (int i = 0; i < 3; i++) {
            hub.subscribe(chat(), new FakeSse.Sink(), sse, NOTHING);
        }

        assertThatThrownBy(() -> hub.subscribe(chat(), new FakeSse.Sink(), sse, NOTHING))
                .isInstanceOf(TooManyStreamsException.class);
        assertThat(hub.streams()).isEqualTo(3);
    }

    @Test
    void aStreamEndsAfterItsLifetimeAndItsSlotFreesUp() {
        start(1, 10, 1000);
        ChatId chat = chat();
        FakeSse.Sink first = new FakeSse.Sink();
        hub.subscribe(chat, first, sse, NOTHING);

        await(first::isClosed, "the stream's end after its lifetime");
        await(() -> hub.streams() == 0, "the freed slot");
        FakeSse.Sink again = new FakeSse.Sink();
        hub.subscribe(chat, again, sse, NOTHING);
        assertThat(hub.streams(chat)).isEqualTo(1);
        await(() -> !again.received.isEmpty(), "the reconnected stream's first comment");
    }

    @Test
    void aClientThatStopsReadingHoldsUpNeitherPublishingNorOtherStreamsOfTheChatsLane() throws Exception {
        start(5, 10, 60_000);
        ChatId chat = chat();
        FakeSse.Sink stuck = new FakeSse.Sink();
        stuck.block();
        hub.subscribe(chat, stuck, sse, NOTHING);
        ChatId other = chat();
        FakeSse.Sink healthy = new FakeSse.Sink();
        hub.subscribe(other, healthy, sse, NOTHING);
        await(() -> !healthy.received.isEmpty(), "the healthy stream's connected comment");

        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            hub.generationStarted(chat, "req-" + i);
            hub.generationEnded(chat, "req-" + i, Optional.empty());
        }
        hub.generationStarted(other, "req-other");
        long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertThat(tookMs).as("publishing returns at once").isLessThan(1000);
        assertThat(stuck.received).isEmpty();
        stuck.unblock();
        await(() -> stuck.received.size() == 201, "the stuck stream's backlog once it reads again");
    }

    @Test
    void whatRunsAtAStreamsEndRunsOnceWhenItIsRefusedOrEndsHoweverItEnds() {
        start(1, 100, 1000);
        ChatId chat = chat();
        AtomicInteger expired = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger gone = new AtomicInteger();
        AtomicInteger stopped = new AtomicInteger();
        hub.subscribe(chat, new FakeSse.Sink(), sse, expired::incrementAndGet);
        assertThatThrownBy(() -> hub.subscribe(chat, new FakeSse.Sink(), sse, refused::incrementAndGet))
                .isInstanceOf(TooManyStreamsException.class);
        assertThat(refused.get()).isEqualTo(1);

        await(() -> expired.get() == 1, "the end of the stream whose lifetime ran out");

        FakeSse.Sink leaving = new FakeSse.Sink();
        hub.subscribe(chat, leaving, sse, gone::incrementAndGet);
        await(() -> !leaving.received.isEmpty(), "the connected comment");
        leaving.close(); // the client went away: the next write finds it closed
        hub.generationStarted(chat, "req-1");
        await(() -> gone.get() == 1, "the end of the stream whose client went away");

        hub.subscribe(chat(), new FakeSse.Sink(), sse, stopped::incrementAndGet);
        hub.stop();
        assertThat(stopped.get()).isEqualTo(1);
        assertThat(List.of(expired.get(), refused.get(), gone.get())).containsOnly(1);
    }
}
