package dev.parley.rest.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.application.chat.ChatTurn;
import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.retry.RetryMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplyStreamTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final Message sent = Message.userMessage(new MessageId(UUID.randomUUID()), new ChatId(UUID.randomUUID()),
            "hello", Optional.empty(), NOW);
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final FakeSse.Sink sink = new FakeSse.Sink();
    private final ReplyStream stream = new ReplyStream(sink, new FakeSse(), String::valueOf, new OrderedLanes(executor));

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private void drained() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aTurnIsWrittenInTheOrderItHappenedAndTheStreamEndsWithItsReply() throws InterruptedException {
        stream.stored(sent.id());
        stream.accepted(sent);
        stream.delta(1, "Ahoy ");
        stream.retrying(1, ErrorCode.AI_PROVIDER_TIMEOUT, Duration.ofMillis(250));
        stream.delta(2, "Ahoy, ");
        stream.delta(2, "crewmate");
        Message reply = Message.assistantReply(new MessageId(UUID.randomUUID()), sent, "Ahoy, crewmate", NOW);
        stream.completed(new ChatTurn(sent, reply, 1, 4, RetryMeta.noAttempt(BreakerState.Kind.CLOSED), false));
        drained();

        assertThat(stream.started()).isTrue();
        assertThat(stream.storedMessage()).isEqualTo(sent.id());
        assertThat(sink.names()).containsExactly("accepted", "delta", "retrying", "delta", "delta", "completed");
        assertThat(sink.received).extracting(e -> String.valueOf(e.data())).element(2)
                .isEqualTo("RetryingJson[attempt=1, errorCode=AI_PROVIDER_TIMEOUT, backoffMs=250]");
        assertThat(sink.received).extracting(e -> String.valueOf(e.data())).element(4)
                .isEqualTo("DeltaJson[attempt=2, text=crewmate]");
        assertThat(sink.isClosed()).as("closed after its last event").isTrue();
    }

    @Test
    void aFailedTurnEndsTheStreamWithItsProblemBody() throws InterruptedException {
        stream.accepted(sent);
        stream.failed("{\"code\":\"AI_PROVIDER_UNAVAILABLE\"}");
        stream.delta(1, "too late");
        drained();

        assertThat(sink.names()).containsExactly("accepted", "failed");
        assertThat(sink.received.get(1).data()).isEqualTo("{\"code\":\"AI_PROVIDER_UNAVAILABLE\"}");
        assertThat(sink.isClosed()).isTrue();
    }

    @Test
    void aStreamNotYetAcceptedHasNotStarted() {
        stream.stored(sent.id());

        assertThat(stream.started()).isFalse();
    }

    @Test
    void aClientThatLeftGetsNothingMoreAndTheTurnsCallsStillReturn() throws Exception {
        stream.accepted(sent);
        stream.delta(1, "Ahoy");
        executor.submit(() -> { }).get(); // one thread: what was queued before is written
        sink.close(); // the client hung up
        stream.delta(1, ", crewmate");
        stream.failed("{}");
        drained();

        assertThat(sink.names()).containsExactly("accepted", "delta");
    }

    @Test
    void aClientThatStopsReadingNeverHoldsUpTheTurnsThread() throws InterruptedException {
        sink.block();
        stream.accepted(sent);
        for (int i = 0; i < 1000; i++) {
            stream.delta(1, "word ");
        }
        assertThat(sink.received).as("queued while the client reads nothing, not written by the caller").isEmpty();
        sink.unblock();
        drained();

        assertThat(sink.received).hasSize(1001);
    }
}
