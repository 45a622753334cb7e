package dev.parley.application.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.application.fakes.DirectUnitOfWork;
import dev.parley.application.fakes.InMemoryConversations;
import dev.parley.application.fakes.InMemoryPersonas;
import dev.parley.application.fakes.InMemoryWallet;
import dev.parley.application.fakes.RecordingTelemetry;
import dev.parley.application.fakes.RecordingTurnEvents;
import dev.parley.application.fakes.ScriptedGenerator;
import dev.parley.application.limit.InMemoryUserQuotas;
import dev.parley.application.limit.SharedUserQuotas;
import dev.parley.application.limit.UserLimits;
import dev.parley.application.moderation.RuleBasedModeration;
import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.resilience.AttemptListener;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserSends;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The send use case with the shared limits: a send is recorded in the opening transaction exactly
 * when its turn is stored (a new message, or a failed turn claimed again), never for a replay, a
 * turn in progress or a reused key.
 */
class SendMessageSharedLimitsTest {
    private static final UserId ALICE = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final Persona MIRA = new Persona(new PersonaId(UUID.randomUUID()), "Mira", "captain", "be a captain");
    private static final ParleyException DOWN = new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "down");

    private final MutableClock clock = new MutableClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryConversations conversations = new InMemoryConversations();
    private final ScriptedGenerator generator = new ScriptedGenerator();
    private final Chat chat = new Chat(new ChatId(UUID.randomUUID()), ALICE, MIRA.id(), "t", clock.instant(),
            clock.instant());
    private final List<String> log = new ArrayList<>();
    private final SendMessageService service;

    /** Tells the log where each transaction begins and ends. */
    private final class LoggedUnitOfWork implements UnitOfWork {
        private final DirectUnitOfWork direct = new DirectUnitOfWork();

        @Override
        public <T> T inTransaction(Supplier<T> work) {
            log.add("begin");
            try {
                return direct.inTransaction(work);
            } finally {
                log.add("end");
            }
        }
    }

    /** Records into the log; counts every recorded send, none generating. */
    private final class LoggedSends implements UserSends {
        final List<Instant> recorded = new ArrayList<>();

        @Override
        public Usage lockAndCount(UserId user, Instant windowStart, Instant generatingSince) {
            log.add("lockAndCount");
            return new Usage(0, recorded.size(), recorded.stream().findFirst());
        }

        @Override
        public void record(UserId user, Instant at) {
            log.add("record");
            recorded.add(at);
        }

        @Override
        public int forget(Instant before) {
            return 0;
        }
    }

    private final LoggedSends sends = new LoggedSends();

    SendMessageSharedLimitsTest() {
        conversations.create(chat);
        GuardedExecutor guarded = new GuardedExecutor(
                new ChatBreakerRegistry(BreakerConfig.defaults(), clock, BreakerListener.NONE),
                RetryPolicy.defaults(), scheduler, clock, new Random(1), AttemptListener.NONE);
        AtomicLong sequence = new AtomicLong();
        SharedUserQuotas quotas = new SharedUserQuotas(UserLimits.DEFAULTS, sends,
                new InMemoryUserQuotas(UserLimits.DEFAULTS, clock, Duration.ofMinutes(2)), clock, Duration.ofMinutes(2));
        service = new SendMessageService(
                new SendMessageService.Ports(conversations, new InMemoryPersonas(MIRA),
                        new InMemoryWallet().with(ALICE, 100), generator, new RuleBasedModeration(),
                        new LoggedUnitOfWork(), new RecordingTelemetry(), new RecordingTurnEvents(), quotas),
                guarded, () -> new UUID(0, sequence.incrementAndGet()), clock,
                new SendMessageService.Settings(1, 20, Duration.ofMinutes(1)));
    }

    private CompletableFuture<ChatTurn> send(String text, String key) {
        CompletableFuture<ChatTurn> turn = service.send(new SendMessageCommand(ALICE, chat.id(), text,
                Optional.ofNullable(key), "req-" + text)).toCompletableFuture();
        scheduler.runUntilIdle();
        return turn;
    }

    private static ErrorCode codeOf(Runnable call) {
        try {
            call.run();
            return null;
        } catch (ParleyException e) {
            return e.code();
        }
    }

    @Test
    void aNewTurnIsRecordedInsideTheTransactionThatCountedIt() {
        send("hello", "k1").join();

        assertThat(log.subList(0, 4)).containsExactly("begin", "lockAndCount", "record", "end");
        assertThat(sends.recorded).containsExactly(clock.instant());
    }

    @Test
    void aReplayIsNotRecorded() {
        send("hello", "k1").join();
        ChatTurn again = send("hello", "k1").join();

        assertThat(again.replayed()).isTrue();
        assertThat(sends.recorded).hasSize(1);
    }

    @Test
    void aFailedTurnSentAgainIsClaimedAndRecordedInTheOpeningTransaction() {
        generator.failingWith(DOWN);
        assertThat(send("hello", "k1")).isCompletedExceptionally();
        generator.failFirst(0, DOWN);
        log.clear();

        ChatTurn retried = send("hello", "k1").join();

        assertThat(retried.replayed()).isFalse();
        assertThat(sends.recorded).hasSize(2);
        assertThat(log.subList(0, 4)).containsExactly("begin", "lockAndCount", "record", "end");
    }

    @Test
    void aTurnInProgressAndAReusedKeyAreNotRecorded() {
        generator.failFirst(1, DOWN);
        CompletableFuture<ChatTurn> first = service.send(new SendMessageCommand(ALICE, chat.id(), "slow",
                Optional.of("same"), "req-1")).toCompletableFuture(); // waits in its backoff
        for (int i = 0; i < 3; i++) {
            assertThat(codeOf(() -> service.send(new SendMessageCommand(ALICE, chat.id(), "slow", Optional.of("same"),
                    "req-2")))).isEqualTo(ErrorCode.REQUEST_IN_PROGRESS);
            assertThat(codeOf(() -> service.send(new SendMessageCommand(ALICE, chat.id(), "other", Optional.of("same"),
                    "req-3")))).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
        }

        assertThat(sends.recorded).hasSize(1);
        scheduler.runUntilIdle();
        assertThat(first.join().replayed()).isFalse();
    }

    @Test
    void aSendRefusedByTheMinuteRecordsNothing() {
        for (int i = 0; i < 30; i++) {
            send("message " + i, null).join();
        }

        assertThatThrownBy(() -> send("one more", null)).isInstanceOfSatisfying(ParleyException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_RATE_LIMITED));
        assertThat(sends.recorded).hasSize(30);
    }
}
