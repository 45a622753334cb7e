package dev.parley.application.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.application.fakes.InMemoryConversations;
import dev.parley.application.fakes.RecordingTurnEvents;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.user.UserId;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SweepStaleTurnsServiceTest {
    private static final Duration STALE_AFTER = Duration.ofSeconds(55);

    private final MutableClock clock = new MutableClock();
    private final InMemoryConversations conversations = new InMemoryConversations();
    private final RecordingTurnEvents events = new RecordingTurnEvents();
    private final Chat chat = new Chat(new ChatId(UUID.randomUUID()), new UserId(UUID.randomUUID()),
            new PersonaId(UUID.randomUUID()), "t", clock.instant(), clock.instant());
    private final SweepStaleTurnsService sweep = new SweepStaleTurnsService(conversations, events, clock, STALE_AFTER);

    SweepStaleTurnsServiceTest() {
        conversations.create(chat);
    }

    private Message pending(String content, String key) {
        Message m = Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), content,
                Optional.ofNullable(key), clock.instant());
        conversations.append(m);
        return m;
    }

    private Message stored(MessageId id) {
        return conversations.all().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aPendingTurnSentWithoutAKeyWhoseServerDiedIsFailedOnceStaleAndStaysRetryable() {
        Message orphan = pending("cut off", null);
        clock.advance(STALE_AFTER);
        assertThat(sweep.sweep()).as("not stale yet").isZero();
        clock.advance(Duration.ofMillis(1));

        assertThat(sweep.sweep()).isEqualTo(1);

        assertThat(stored(orphan.id()).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(stored(orphan.id()).errorCode()).contains(Turn.EXPIRED).contains(ErrorCode.INTERNAL_ERROR);
        assertThat(events.events()).containsExactly("changed USER FAILED INTERNAL_ERROR");
        assertThat(sweep.sweep()).as("resolved once").isZero();
    }

    @Test
    void aStalePendingTurnWhoseReplyIsStoredIsCompletedNotFailed() {
        Message question = pending("answered", "k");
        conversations.append(Message.assistantReply(new MessageId(UUID.randomUUID()), question, "aye", clock.instant()));
        clock.advance(STALE_AFTER.plusSeconds(1));

        sweep.sweep();

        assertThat(stored(question.id()).status()).isEqualTo(MessageStatus.COMPLETED);
    }

    @Test
    void freshPendingTurnsAndSettledOnesAreLeftAlone() {
        Message old = pending("old", "a");
        conversations.apply(conversations.findTurn(chat.id(), "a").orElseThrow().fail(ErrorCode.AI_BAD_RESPONSE,
                clock.instant()));
        clock.advance(STALE_AFTER.plusSeconds(1));
        Message fresh = pending("fresh", "b");

        assertThat(sweep.sweep()).isZero();

        assertThat(stored(old.id()).errorCode()).contains(ErrorCode.AI_BAD_RESPONSE);
        assertThat(stored(fresh.id()).status()).isEqualTo(MessageStatus.PENDING);
    }
}
