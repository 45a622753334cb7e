package dev.parley.rest.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.event.ChatEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streams fed from the shared outbox only: event ids, delivery once however many signals name an event,
 * events of another instance (by signal or by the poll), resume with the last id seen, and the reset
 * when what was missed is gone.
 */
class ChatEventFanOutTest {
    private static final Runnable NOTHING = () -> { };
    private static final Instant FAR = Instant.now().plus(Duration.ofHours(1));
    private final FakeSse sse = new FakeSse();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);
    private final InMemoryChatEventLog log = new InMemoryChatEventLog();
    private final ChatEventHub hub = new ChatEventHub();
    private final ChatId chat = new ChatId(UUID.randomUUID());

    private void start(long pollIntervalMs, int maxReplay) {
        hub.keepAliveMs = 60_000;
        hub.maxStreamsPerChat = 10;
        hub.maxStreams = 100;
        hub.maxLifetimeMs = 600_000;
        hub.pollIntervalMs = pollIntervalMs;
        hub.maxReplay = maxReplay;
        hub.log = log;
        hub.clock = java.time.Clock.systemUTC();
        hub.start(executor, String::valueOf);
    }

    @AfterEach
    void stop() {
        hub.stop();
        executor.shutdownNow();
    }

    private static void await(BooleanSupplier done, String what) {
        ChatEventStreamsTest.await(done, what);
    }

    /** The ids of the events (not comments) the client got, and "reset@id" for a reset. */
    private static List<String> ids(FakeSse.Sink sink) {
        return sink.received.stream().filter(e -> e.name() != null)
                .map(e -> ChatEventHub.RESET.equals(e.name()) ? "reset@" + e.id() : e.id()).toList();
    }

    private FakeSse.Sink open(OptionalLong resumeAfter) {
        FakeSse.Sink sink = new FakeSse.Sink();
        hub.subscribe(chat, sink, sse, FAR, resumeAfter, NOTHING);
        await(() -> sink.received.stream().anyMatch(e -> "connected".equals(e.comment())), "the connection");
        return sink;
    }

    /** An append made by another instance: in the shared log, this instance not told. */
    private void elsewhere(int events) {
        for (int i = 0; i < events; i++) {
            log.append(chat, List.of(new ChatEvent.New("typing", "{\"n\":" + i + "}")));
        }
    }

    private long head() {
        return log.heads(List.of(chat)).get(chat);
    }

    @Test
    void anEventPublishedHereReachesTheStreamWithItsIdFromTheOutbox() {
        start(60_000, 1000);
        FakeSse.Sink sink = open(OptionalLong.empty());

        hub.generationStarted(chat, "req-1");
        hub.generationEnded(chat, "req-1", Optional.empty());

        await(() -> ids(sink).size() == 2, "two events");
        assertThat(ids(sink)).containsExactly("1", "2");
        assertThat(sink.received.stream().filter(e -> "1".equals(e.id())).findFirst().orElseThrow().data().toString())
                .contains("active=true").contains("req-1");
        assertThat(log.after(chat, 0, 10)).extracting(ChatEvent::kind).containsExactly("typing", "typing");
    }

    @Test
    void aCompletedTurnIsOneAppendOfItsThreeEvents() {
        start(60_000, 1000);
        FakeSse.Sink sink = open(OptionalLong.empty());
        Message user = Message.userMessage(new MessageId(UUID.randomUUID()), chat, "Hail", Optional.empty(),
                Instant.parse("2026-03-03T09:00:00Z")).withStatus(MessageStatus.COMPLETED, Optional.empty());
        Message reply = Message.assistantReply(new MessageId(UUID.randomUUID()), user, "Aye", user.createdAt());

        hub.turnCompleted(user, reply, "req-9");

        await(() -> ids(sink).size() == 3, "three events");
        assertThat(sink.names()).containsSubsequence("message", "message", "typing");
        assertThat(log.reads).as("one read for the three").isEqualTo(1);
    }

    @Test
    void eventsOfAnotherInstanceAreDeliveredOnceHoweverManySignalsNameThem() {
        start(60_000, 1000);
        FakeSse.Sink sink = open(OptionalLong.empty());
        elsewhere(3);

        hub.appended(chat, 2);
        hub.appended(chat, 3);
        hub.appended(chat, 3);
        hub.appended(chat, 1);

        await(() -> ids(sink).size() == 3, "three events");
        hub.appended(chat, 3);
        elsewhere(1);
        hub.appended(chat, 4);
        await(() -> ids(sink).size() == 4, "the fourth");
        assertThat(ids(sink)).containsExactly("1", "2", "3", "4");
    }

    @Test
    void withoutAListenerThePollFindsWhatAnotherInstanceAppended() {
        start(20, 1000);
        FakeSse.Sink sink = open(OptionalLong.empty());

        elsewhere(2);

        await(() -> ids(sink).size() == 2, "the polled events");
        assertThat(ids(sink)).containsExactly("1", "2");
    }

    @Test
    void whileAListenerIsUpThePollIsOnlyASafetyNet() throws Exception {
        start(20, 1000);
        hub.listening(true);
        FakeSse.Sink sink = open(OptionalLong.empty());
        elsewhere(1);

        await(() -> ids(sink).size() == 1, "the safety net's delivery (every tenth round)");
        int readsAfter = log.reads;
        Thread.sleep(100);
        assertThat(log.reads).as("nothing new, nothing read").isEqualTo(readsAfter);
    }

    @Test
    void aResumingClientGetsExactlyWhatItMissedThenTheLiveEvents() {
        start(60_000, 1000);
        elsewhere(5);

        FakeSse.Sink sink = open(OptionalLong.of(2));
        await(() -> ids(sink).size() == 3, "the missed events");
        hub.generationStarted(chat, "req-live");

        await(() -> ids(sink).size() == 4, "the live event");
        assertThat(ids(sink)).containsExactly("3", "4", "5", "6");
    }

    @Test
    void aClientThatMissedNothingGetsOnlyTheLiveEvents() {
        start(60_000, 1000);
        elsewhere(2);
        FakeSse.Sink sink = open(OptionalLong.of(2));

        hub.generationStarted(chat, "req-live");

        await(() -> ids(sink).size() == 1, "the live event");
        assertThat(ids(sink)).containsExactly("3");
    }

    @Test
    void aResumeFromBeforeTheRetentionGetsAResetAtTheHeadThenTheLiveEvents() {
        start(60_000, 1000);
        elsewhere(5);
        log.purgeUpTo(chat, 3);

        FakeSse.Sink sink = open(OptionalLong.of(1));
        hub.generationStarted(chat, "req-live");

        await(() -> ids(sink).size() == 2, "the reset and the live event");
        assertThat(ids(sink)).containsExactly("reset@5", "6");
        assertThat(sink.received.stream().filter(e -> ChatEventHub.RESET.equals(e.name())).findFirst().orElseThrow()
                .data().toString()).contains("lastEventId=5");
    }

    @Test
    void aResumeMissingMoreThanTheReplayLimitOrFromAnIdNeverGivenGetsAReset() {
        start(60_000, 3);
        elsewhere(5);

        FakeSse.Sink tooFar = open(OptionalLong.of(1));
        FakeSse.Sink future = open(OptionalLong.of(99));
        FakeSse.Sink near = open(OptionalLong.of(2));

        await(() -> ids(tooFar).size() == 1 && ids(future).size() == 1 && ids(near).size() == 3, "the answers");
        assertThat(ids(tooFar)).containsExactly("reset@5");
        assertThat(ids(future)).containsExactly("reset@5");
        assertThat(ids(near)).containsExactly("3", "4", "5");
        assertThat(head()).isEqualTo(5);
    }

    @Test
    void aStreamThatCannotReadTheOutboxIsRefusedAndItsEndRunsOnce() {
        start(60_000, 1000);
        log.failing = true;
        java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();

        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> hub.subscribe(chat, new FakeSse.Sink(), sse, FAR, OptionalLong.empty(), ended::incrementAndGet))
                .isInstanceOf(IllegalStateException.class);

        assertThat(ended).hasValue(1);
        assertThat(hub.streams()).isZero();
    }

    @Test
    void aNewClientGetsEverythingAppendedAfterItOpenedEvenIfItsFirstWriteWaits() {
        start(60_000, 1000);
        elsewhere(2);
        FakeSse.Sink slow = new FakeSse.Sink();
        slow.block();
        hub.subscribe(chat, slow, sse, FAR, OptionalLong.empty(), NOTHING);

        hub.generationStarted(chat, "req-a");
        hub.generationEnded(chat, "req-a", Optional.empty());
        slow.unblock();

        await(() -> ids(slow).size() == 2, "the two events after it opened");
        assertThat(ids(slow)).containsExactly("3", "4");
    }

    @Test
    void aNewClientThatCannotBeGivenEverythingSinceItOpenedStartsLiveWithoutAReset() {
        start(60_000, 3);
        FakeSse.Sink slow = new FakeSse.Sink();
        slow.block();
        hub.subscribe(chat, slow, sse, FAR, OptionalLong.empty(), NOTHING);
        elsewhere(5);
        slow.unblock();
        await(() -> slow.received.stream().anyMatch(e -> "connected".equals(e.comment())), "the connection");

        hub.generationStarted(chat, "req-live");

        await(() -> !ids(slow).isEmpty(), "the live event");
        assertThat(ids(slow)).containsExactly("6");
    }
}
