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
import dev.parley.application.limit.UserLimits;
import dev.parley.application.limit.UserRateLimitedException;
import dev.parley.application.moderation.RuleBasedModeration;
import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.persona.Personas;
import dev.parley.domain.resilience.AttemptListener;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.user.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class SendMessageServiceTest {
    private static final UserId ALICE = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final UserId BOB = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000b0"));
    private static final Persona MIRA = new Persona(new PersonaId(UUID.randomUUID()), "Mira", "captain", "be a captain");
    private static final ParleyException DOWN = new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "down");

    private final MutableClock clock = new MutableClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryConversations conversations = new InMemoryConversations();
    private final InMemoryWallet wallet = new InMemoryWallet().with(ALICE, 5);
    private final ScriptedGenerator generator = new ScriptedGenerator();
    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final DirectUnitOfWork unitOfWork = new DirectUnitOfWork();
    private final RecordingTurnEvents events = new RecordingTurnEvents().placedIn(unitOfWork);
    private final AtomicLong sequence = new AtomicLong();
    private final Personas personas = new InMemoryPersonas(MIRA);
    private final Chat chat = new Chat(new ChatId(UUID.randomUUID()), ALICE, MIRA.id(), "t", clock.instant(),
            clock.instant());
    private final InMemoryUserQuotas quotas = new InMemoryUserQuotas(UserLimits.DEFAULTS, clock, Duration.ofMinutes(2));
    private final SendMessageService service;
    private final GuardedExecutor guarded;

    SendMessageServiceTest() {
        conversations.create(chat);
        guarded = new GuardedExecutor(
                new ChatBreakerRegistry(BreakerConfig.defaults(), clock, BreakerListener.NONE),
                RetryPolicy.defaults(), scheduler, clock, new Random(1), AttemptListener.NONE);
        service = new SendMessageService(
                new SendMessageService.Ports(conversations, personas, wallet, generator, new RuleBasedModeration(),
                        unitOfWork, telemetry, events, quotas),
                guarded, () -> new UUID(0, sequence.incrementAndGet()), clock,
                new SendMessageService.Settings(1, 20, Duration.ofMinutes(1)));
    }

    private static SendMessageCommand say(UserId who, ChatId chatId, String text, String key) {
        return new SendMessageCommand(who, chatId, text, Optional.ofNullable(key), "req-" + text);
    }

    /** Sends, lets every scheduled wait elapse, and returns the outcome. */
    private CompletableFuture<ChatTurn> sendAndSettle(SendMessageCommand command) {
        CompletableFuture<ChatTurn> turn = service.send(command).toCompletableFuture();
        scheduler.runUntilIdle();
        return turn;
    }

    private static SendMessageFailedException failureOf(CompletableFuture<ChatTurn> turn) {
        assertThat(turn).isCompletedExceptionally();
        Throwable error = turn.handle((ok, e) -> e).join();
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        assertThat(cause).isInstanceOf(SendMessageFailedException.class);
        return (SendMessageFailedException) cause;
    }

    @Test
    void storesTheUserMessageAndTheReplyAndChargesOnce() {
        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), "hello", "k1")).join();

        assertThat(turn.assistantMessage().content()).isEqualTo("re: hello");
        assertThat(turn.assistantMessage().replyTo()).contains(turn.userMessage().id());
        assertThat(turn.userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(turn.tokensCharged()).isEqualTo(1);
        assertThat(turn.tokenBalance()).isEqualTo(4);
        assertThat(turn.retryMeta().attempts()).isEqualTo(1);
        assertThat(turn.replayed()).isFalse();
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(conversations.all()).extracting(Message::role, Message::status)
                .containsExactly(Tuple.tuple(MessageRole.USER, MessageStatus.COMPLETED),
                        Tuple.tuple(MessageRole.ASSISTANT, MessageStatus.COMPLETED));
        assertThat(telemetry.events()).containsExactly("started req-hello", "attempt req-hello #1 SUCCEEDED",
                "charged req-hello 1", "completed req-hello OK attempts=1");
        assertThat(generator.requests()).singleElement()
                .satisfies(request -> assertThat(request.requestId()).contains("req-hello"));
    }

    @Test
    void transientFailuresAreRetriedWithDoublingBackoffAndTheReplyIsChargedOnce() {
        generator.failFirst(2, DOWN);

        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), "flaky", "k1")).join();

        assertThat(turn.retryMeta().attempts()).isEqualTo(3);
        assertThat(turn.retryMeta().backoffMs()).containsExactly(1000L, 2000L);
        assertThat(generator.requests()).extracting(r -> r.userMessage().id()).containsOnly(turn.userMessage().id());
        Duration deadline = RetryPolicy.defaults().deadline();
        assertThat(generator.requests()).as("each attempt is told the time its turn has left")
                .extracting(r -> r.timeLeft().orElseThrow())
                .containsExactly(deadline, deadline.minusMillis(1000), deadline.minusMillis(3000));
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(telemetry.events()).startsWith("started req-flaky", "attempt req-flaky #1 FAILED AI_PROVIDER_UNAVAILABLE",
                "attempt req-flaky #2 FAILED AI_PROVIDER_UNAVAILABLE", "attempt req-flaky #3 SUCCEEDED");
    }

    @Test
    void aFailedGenerationKeepsTheUserMessageMarkedFailedAndChargesNothing() {
        generator.failingWith(DOWN);

        SendMessageFailedException failure = failureOf(sendAndSettle(say(ALICE, chat.id(), "anyone?", "k1")));

        assertThat(failure.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(failure.chatId()).isEqualTo(chat.id());
        assertThat(failure.userMessageId()).isEqualTo(conversations.all().get(0).id());
        assertThat(failure.retryMeta()).hasValueSatisfying(meta -> {
            assertThat(meta.attempts()).isEqualTo(4);
            assertThat(meta.backoffMs()).containsExactly(1000L, 2000L, 4000L);
        });
        assertThat(conversations.all()).singleElement().satisfies(m -> {
            assertThat(m.content()).isEqualTo("anyone?");
            assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(m.errorCode()).contains(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        });
        assertThat(wallet.balance(ALICE)).isEqualTo(5);
        assertThat(wallet.charges()).isZero();
    }

    @Test
    void theSameKeyAfterSuccessReplaysTheTurnWithoutANewMessageOrCharge() {
        ChatTurn first = sendAndSettle(say(ALICE, chat.id(), "once", "same")).join();
        ChatTurn again = sendAndSettle(say(ALICE, chat.id(), "once", "same")).join();

        assertThat(again.replayed()).isTrue();
        assertThat(again.tokensCharged()).as("nothing charged by the replaying request").isZero();
        assertThat(again.userMessage().id()).isEqualTo(first.userMessage().id());
        assertThat(again.assistantMessage().id()).isEqualTo(first.assistantMessage().id());
        assertThat(again.tokenBalance()).isEqualTo(4);
        assertThat(conversations.all()).hasSize(2);
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(generator.requests()).hasSize(1);
    }

    @Test
    void theSameKeyAfterAFailureGeneratesAgainForTheSameUserMessage() {
        generator.failFirst(4, DOWN);
        SendMessageFailedException failure = failureOf(sendAndSettle(say(ALICE, chat.id(), "retry me", "same")));

        ChatTurn retried = sendAndSettle(say(ALICE, chat.id(), "retry me", "same")).join();

        assertThat(retried.userMessage().id()).isEqualTo(failure.userMessageId());
        assertThat(retried.replayed()).isFalse();
        assertThat(conversations.all()).extracting(Message::role).containsExactly(MessageRole.USER,
                MessageRole.ASSISTANT);
        assertThat(conversations.all().get(0).status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(wallet.charges()).isEqualTo(1);
    }

    @Test
    void theSameKeyWhileTheTurnIsBeingAnsweredIsRequestInProgress() {
        generator.failFirst(1, DOWN);
        CompletableFuture<ChatTurn> first = service.send(say(ALICE, chat.id(), "slow", "same")).toCompletableFuture();
        assertThat(first).isNotDone(); // waiting 1 s before its second attempt

        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "slow", "same")))
                .isInstanceOfSatisfying(SendMessageFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_IN_PROGRESS);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                });
        scheduler.runUntilIdle();
        assertThat(first.join().retryMeta().attempts()).isEqualTo(2);
        assertThat(conversations.all()).hasSize(2);
    }

    @Test
    void theSameKeyWithOtherContentIsRefused() {
        sendAndSettle(say(ALICE, chat.id(), "first text", "same")).join();

        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "other text", "same")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
        assertThat(conversations.all()).hasSize(2);
    }

    @Test
    void blockedContentIsNotSentToTheProviderNorRetriedNorCharged() {
        SendMessageFailedException failure = failureOf(
                sendAndSettle(say(ALICE, chat.id(), "How do I build a bomb at home", null)));

        assertThat(failure.code()).isEqualTo(ErrorCode.MODERATION_BLOCKED);
        assertThat(failure.retryMeta()).isEmpty();
        assertThat(generator.requests()).isEmpty();
        assertThat(conversations.all()).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(MessageStatus.FAILED));
        assertThat(wallet.charges()).isZero();
    }

    @Test
    void moderationBlocksNeitherReachTheProviderNorCountAgainstTheChatsBreaker() {
        wallet.with(ALICE, 50);
        generator.failingWith(new ParleyException(ErrorCode.AI_BAD_RESPONSE, "garbage"));
        failureOf(sendAndSettle(say(ALICE, chat.id(), "one", null))); // 4 counted failures: one short of opening
        int attempts = generator.requests().size();

        for (int i = 0; i < 6; i++) {
            SendMessageFailedException blocked = failureOf(
                    sendAndSettle(say(ALICE, chat.id(), "How do I build a bomb, take " + i, null)));
            assertThat(blocked.code()).isEqualTo(ErrorCode.MODERATION_BLOCKED);
        }

        assertThat(generator.requests()).as("no blocked message reached the provider").hasSize(attempts);
        assertThat(guarded.breakers().state(chat.id()).kind().name()).isEqualTo("CLOSED");
        generator.failFirst(0, DOWN);
        ChatTurn answered = sendAndSettle(say(ALICE, chat.id(), "still there?", null)).join();
        assertThat(answered.retryMeta().attempts()).isEqualTo(1);
        assertThat(answered.retryMeta().breakerState().name()).isEqualTo("CLOSED");
    }

    @Test
    void everyRetryAsksInThePersonasVoiceForTheSameUserMessage() {
        generator.failFirst(2, DOWN);

        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), "Where to, captain?", null)).join();

        assertThat(generator.requests()).hasSize(3).allSatisfy(request -> {
            assertThat(request.persona()).isEqualTo(MIRA);
            assertThat(request.userMessage().id()).isEqualTo(turn.userMessage().id());
        });
        assertThat(turn.assistantMessage().content()).isEqualTo("re: Where to, captain?");
        assertThat(turn.retryMeta().retries()).isEqualTo(2);
    }

    @Test
    void anEmptyWalletIsInsufficientTokensBeforeAnythingIsStoredOrCounted() {
        wallet.with(ALICE, 0);

        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "free?", "k1")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_TOKENS));

        assertThat(generator.requests()).isEmpty();
        assertThat(conversations.all()).isEmpty();
        assertThat(wallet.charges()).isZero();
        assertThat(quotas.sendsInWindow(ALICE)).isZero();
        assertThat(telemetry.events()).containsExactly("completed req-free? INSUFFICIENT_TOKENS");
    }

    @Test
    void aDatabaseFailureWhileReadingTheBalanceIsThatFailureAndNothingMoreIsAsked() {
        sendAndSettle(say(ALICE, chat.id(), "first", "k1")).join();
        int before = conversations.all().size();
        wallet.failing(new ParleyException(ErrorCode.DATABASE_UNAVAILABLE, "connection lost"));

        // a repeat of a stored key: only a refusal by the balance or a limit falls back to the stored turn
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "first", "k1")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));

        assertThat(conversations.all()).hasSize(before);
        assertThat(quotas.sendsInWindow(ALICE)).isEqualTo(1);
    }

    @Test
    void aFailedTurnRetriedWithAnEmptyWalletStaysAsItWas() {
        generator.failingWith(DOWN);
        SendMessageFailedException first = failureOf(sendAndSettle(say(ALICE, chat.id(), "later", "k1")));
        wallet.with(ALICE, 0);

        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "later", "k1")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_TOKENS));

        assertThat(conversations.all()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(first.userMessageId());
            assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(m.errorCode()).contains(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        });
    }

    @Test
    void theFifthConcurrentTurnOfAUserIsRefusedStoringAndChargingNothing() {
        generator.failFirst(4, DOWN); // each turn's first attempt fails: it waits for its retry on the scheduler
        List<CompletableFuture<ChatTurn>> running = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            running.add(service.send(say(ALICE, chat.id(), "turn " + i, "k" + i)).toCompletableFuture());
        }
        int stored = conversations.all().size();

        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "one too many", "k4")))
                .isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USER_RATE_LIMITED);
                    assertThat(e.limit()).isEqualTo(UserRateLimitedException.Limit.IN_FLIGHT);
                    assertThat(e.retryAfter()).contains(InMemoryUserQuotas.IN_FLIGHT_RETRY_AFTER);
                });
        assertThat(conversations.all()).hasSize(stored);
        assertThat(running).allSatisfy(turn -> assertThat(turn).isNotDone());

        scheduler.runUntilIdle();
        assertThat(running).allSatisfy(turn -> assertThat(turn).isCompleted());
        assertThat(quotas.generating(ALICE)).isZero();
        assertThat(sendAndSettle(say(ALICE, chat.id(), "one too many", "k4")).join().tokensCharged())
                .as("admitted once a turn ended").isEqualTo(1);
        assertThat(quotas.sendsInWindow(ALICE)).as("the refused send did not count").isEqualTo(5);
    }

    @Test
    void theThirtyFirstSendOfAMinuteIsRefusedUntilTheOldestLeavesTheWindow() {
        wallet.with(ALICE, 100);
        for (int i = 0; i < 30; i++) {
            sendAndSettle(say(ALICE, chat.id(), "message " + i, null)).join();
            clock.advance(Duration.ofSeconds(1));
        }
        // the first send was at 0 s, it is now 30 s: it leaves the window at 60 s
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "31st", null)))
                .isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
                    assertThat(e.limit()).isEqualTo(UserRateLimitedException.Limit.SENDS_PER_MINUTE);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                });
        assertThat(conversations.all()).hasSize(60);
        assertThat(wallet.charges()).isEqualTo(30);

        clock.advance(Duration.ofSeconds(30));
        assertThat(sendAndSettle(say(ALICE, chat.id(), "31st", null)).join().replayed()).isFalse();
    }

    @Test
    void aReplayIsNeverLimitedAndDoesNotCount() {
        wallet.with(ALICE, 100);
        ChatTurn answered = sendAndSettle(say(ALICE, chat.id(), "first", "lost-response")).join();
        for (int i = 1; i < 30; i++) {
            sendAndSettle(say(ALICE, chat.id(), "message " + i, null)).join();
        }
        assertThat(quotas.sendsInWindow(ALICE)).isEqualTo(30);

        ChatTurn replay = sendAndSettle(say(ALICE, chat.id(), "first", "lost-response")).join();

        assertThat(replay.replayed()).isTrue();
        assertThat(replay.assistantMessage().id()).isEqualTo(answered.assistantMessage().id());
        assertThat(quotas.sendsInWindow(ALICE)).isEqualTo(30);
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "new", null)))
                .isInstanceOf(UserRateLimitedException.class);
    }

    @Test
    void aRepeatOfAStoredTurnIsAnsweredEvenWithAnEmptyWalletOrAtTheLimits() {
        ChatTurn answered = sendAndSettle(say(ALICE, chat.id(), "first", "lost-response")).join();
        generator.failFirst(4, DOWN);
        for (int i = 0; i < 4; i++) {
            service.send(say(ALICE, chat.id(), "turn " + i, "k" + i)); // generating: the in-flight limit is full
        }

        assertThat(sendAndSettleNothing(say(ALICE, chat.id(), "first", "lost-response")).replayed()).isTrue();
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "turn 0", "k0")))
                .as("a turn in progress, not a limit").isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_IN_PROGRESS));
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "other", "k0")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "new", "k9")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_RATE_LIMITED));
        scheduler.runUntilIdle();
        wallet.with(ALICE, 0);

        ChatTurn replay = sendAndSettleNothing(say(ALICE, chat.id(), "first", "lost-response"));
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.assistantMessage().id()).isEqualTo(answered.assistantMessage().id());
        assertThat(quotas.sendsInWindow(ALICE)).as("the five turns, not the repeats").isEqualTo(5);
        assertThat(telemetry.events()).filteredOn(e -> e.contains("USER_RATE_LIMITED")).hasSize(1);
    }

    /** A send answered without generating (a replay): completed at once, no wait to run. */
    private ChatTurn sendAndSettleNothing(SendMessageCommand command) {
        CompletableFuture<ChatTurn> turn = service.send(command).toCompletableFuture();
        assertThat(turn).isCompleted();
        return turn.join();
    }

    @Test
    void theLimitsAreEachUsersOwn() {
        wallet.with(ALICE, 100).with(BOB, 100);
        Chat bobs = new Chat(new ChatId(UUID.randomUUID()), BOB, MIRA.id(), "t", clock.instant(), clock.instant());
        conversations.create(bobs);
        for (int i = 0; i < 30; i++) {
            sendAndSettle(say(ALICE, chat.id(), "message " + i, null)).join();
        }

        assertThat(sendAndSettle(say(BOB, bobs.id(), "my turn", null)).join().tokensCharged()).isEqualTo(1);
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "more", null)))
                .isInstanceOf(UserRateLimitedException.class);
    }

    @Test
    void thePermitIsGivenBackWhenTheTurnFailsOrIsBlocked() {
        generator.failingWith(DOWN);
        failureOf(sendAndSettle(say(ALICE, chat.id(), "anyone?", null)));
        failureOf(sendAndSettle(say(ALICE, chat.id(), "How do I build a bomb at home", null)));

        assertThat(quotas.generating(ALICE)).isZero();
        assertThat(quotas.sendsInWindow(ALICE)).as("both were sends: their messages are stored").isEqualTo(2);
    }

    @Test
    void requestsInProgressAndReusedKeysNeitherCountNorAreLimited() {
        generator.failFirst(1, DOWN);
        CompletableFuture<ChatTurn> first = service.send(say(ALICE, chat.id(), "slow", "same")).toCompletableFuture();
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "slow", "same")))
                    .isInstanceOfSatisfying(ParleyException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_IN_PROGRESS));
            assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "other", "same")))
                    .isInstanceOfSatisfying(ParleyException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
        }

        assertThat(quotas.sendsInWindow(ALICE)).isEqualTo(1);
        assertThat(quotas.generating(ALICE)).isEqualTo(1);
        scheduler.runUntilIdle();
        first.join();
        assertThat(quotas.generating(ALICE)).isZero();
    }

    @Test
    void anotherUsersChatIsReportedAsNotFoundAndNothingIsStored() {
        assertThatThrownBy(() -> service.send(say(BOB, chat.id(), "let me in", null)))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
        assertThatThrownBy(() -> service.send(say(ALICE, new ChatId(UUID.randomUUID()), "where?", null)))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
        assertThat(conversations.all()).isEmpty();
    }

    @Test
    void fiveFailedRequestsOpenTheChatsBreakerAndTheNextIsRefusedAtOnce() {
        generator.failingWith(new ParleyException(ErrorCode.AI_BAD_RESPONSE, "garbage"));
        failureOf(sendAndSettle(say(ALICE, chat.id(), "one", null))); // 4 failed attempts
        SendMessageFailedException second = failureOf(sendAndSettle(say(ALICE, chat.id(), "two", null)));
        assertThat(second.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        int attemptsSoFar = generator.requests().size();

        SendMessageFailedException refused = failureOf(sendAndSettle(say(ALICE, chat.id(), "three", null)));

        assertThat(refused.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        assertThat(refused.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(30)));
        assertThat(generator.requests()).hasSize(attemptsSoFar);
        assertThat(wallet.charges()).isZero();
    }

    @Test
    void aSendIntoAnOpenBreakerIsNotAnnouncedItsWatchersOnlySeeItsFailedMessage() {
        generator.failingWith(new ParleyException(ErrorCode.AI_BAD_RESPONSE, "garbage"));
        failureOf(sendAndSettle(say(ALICE, chat.id(), "one", null)));
        failureOf(sendAndSettle(say(ALICE, chat.id(), "two", null))); // the fifth failure opens it
        List<String> before = events.placed();
        int units = unitOfWork.started();

        SendMessageFailedException refused = failureOf(sendAndSettle(say(ALICE, chat.id(), "three", null)));

        assertThat(refused.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        // stored, marked failed and published in its one (opening) transaction
        assertThat(unitOfWork.started()).isEqualTo(units + 1);
        assertThat(events.placed().subList(before.size(), events.placed().size()))
                .containsExactly("changed USER FAILED CIRCUIT_OPEN @" + (units + 1));
        assertThat(conversations.all()).last().satisfies(m -> {
            assertThat(m.id()).isEqualTo(refused.userMessageId());
            assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(m.errorCode()).contains(ErrorCode.CIRCUIT_OPEN);
        });
        assertThat(refused.retryAfter()).hasValueSatisfying(wait -> assertThat(wait).isPositive());
        assertThat(refused.retryMeta()).hasValueSatisfying(meta -> {
            assertThat(meta.attempts()).isZero();
            assertThat(meta.breakerState()).isEqualTo(BreakerState.Kind.OPEN);
        });
        assertThat(telemetry.events()).endsWith("started req-three", "attempt req-three #1 REJECTED CIRCUIT_OPEN",
                "completed req-three CIRCUIT_OPEN attempts=0");
    }

    @Test
    void aBlockedMessageIsStoredMarkedAndPublishedInItsOneTransaction() {
        failureOf(sendAndSettle(say(ALICE, chat.id(), "How do I build a bomb at home", "k1")));

        assertThat(unitOfWork.started()).isEqualTo(1);
        assertThat(events.placed()).containsExactly("changed USER FAILED MODERATION_BLOCKED @1");
        assertThat(telemetry.events()).containsExactly("started req-How do I build a bomb at home",
                "completed req-How do I build a bomb at home MODERATION_BLOCKED");
        assertThat(generator.requests()).isEmpty();
    }

    @Test
    void aTurnWhoseOpeningCommitLostItsAnswerIsMarkedFailedNotLeftPending() {
        unitOfWork.loseTheNextCommitsAnswer(new ParleyException(ErrorCode.DATABASE_UNAVAILABLE, "connection lost"));

        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "in doubt", "k1")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));
        scheduler.runUntilIdle();

        assertThat(conversations.all()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(m.errorCode()).contains(ErrorCode.DATABASE_UNAVAILABLE);
        });
        assertThat(events.events()).endsWith("changed USER FAILED DATABASE_UNAVAILABLE");
        assertThat(wallet.charges()).isZero();
        // the same key again is a retry of that turn, answered
        assertThat(sendAndSettle(say(ALICE, chat.id(), "in doubt", "k1")).join().userMessage().id())
                .isEqualTo(conversations.all().get(0).id());
    }

    @Test
    void theCommandRefusesBlankOrOverlongContent() {
        assertThatThrownBy(() -> say(ALICE, chat.id(), "   ", null))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("content");
                    assertThat(e.reason()).isEqualTo(ValidationException.Reason.BLANK);
                });
        String tooLong = "x".repeat(SendMessageCommand.MAX_CONTENT_LENGTH + 1);
        assertThatThrownBy(() -> new SendMessageCommand(ALICE, chat.id(), tooLong, Optional.empty()))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ValidationException.Reason.TOO_LONG);
                    assertThat(e.limit()).isEqualTo(SendMessageCommand.MAX_CONTENT_LENGTH);
                });
        assertThatThrownBy(() -> new SendMessageCommand(ALICE, chat.id(), null, Optional.empty()))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.reason()).isEqualTo(ValidationException.Reason.REQUIRED));
        assertThat(new SendMessageCommand(ALICE, chat.id(), "好".repeat(SendMessageCommand.MAX_CONTENT_LENGTH),
                Optional.empty()).content()).hasSize(SendMessageCommand.MAX_CONTENT_LENGTH);
    }

    @Test
    void aReplyLongerThanAMessageIsStoredCutNotRetriedAndChargedOnce() {
        String longest = "好".repeat(Message.MAX_CONTENT_LENGTH); // the scripted reply is "re: " + this

        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), longest, "k1")).join();

        String stored = conversations.all().get(1).content();
        assertThat(stored).isEqualTo(turn.assistantMessage().content())
                .isEqualTo("re: " + "好".repeat(Message.MAX_CONTENT_LENGTH - 5) + GeneratedReply.CUT_MARK);
        assertThat(turn.retryMeta().attempts()).isEqualTo(1);
        assertThat(turn.tokensCharged()).isEqualTo(1);
        assertThat(wallet.charges()).isEqualTo(1);
    }

    @Test
    void aPendingTurnWhoseRequestWentStaleIsTakenOverForTheSameUserMessage() {
        Message orphan = Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), "still there?",
                Optional.of("same"), clock.instant());
        conversations.append(orphan); // its request died before answering
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "still there?", "same")))
                .isInstanceOfSatisfying(SendMessageFailedException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_IN_PROGRESS));
        clock.advance(Duration.ofMinutes(1).plusMillis(1));

        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), "still there?", "same")).join();

        assertThat(turn.userMessage().id()).isEqualTo(orphan.id());
        assertThat(turn.replayed()).isFalse();
        assertThat(conversations.all()).extracting(Message::role, Message::status)
                .containsExactly(Tuple.tuple(MessageRole.USER, MessageStatus.COMPLETED),
                        Tuple.tuple(MessageRole.ASSISTANT, MessageStatus.COMPLETED));
        assertThat(wallet.charges()).isEqualTo(1);
    }

    @Test
    void aReplyIsAnnouncedThenPublishedWithTheCompletedUserMessageThenEnded() {
        sendAndSettle(say(ALICE, chat.id(), "hello", "k1")).join();

        assertThat(events.events()).containsExactly("started req-hello", "changed USER COMPLETED",
                "changed ASSISTANT COMPLETED", "ended req-hello OK");
    }

    @Test
    void aFailedGenerationPublishesTheFailedUserMessageThenEndsWithItsCode() {
        generator.failingWith(DOWN);

        failureOf(sendAndSettle(say(ALICE, chat.id(), "anyone?", "k1")));

        assertThat(events.events()).containsExactly("started req-anyone?",
                "changed USER FAILED AI_PROVIDER_UNAVAILABLE", "ended req-anyone? AI_PROVIDER_UNAVAILABLE");
    }

    @Test
    void aTurnsEventsTakeNoTransactionOfTheirOwnTheAnnouncementGoesWithTheStoredMessageTheRestWithTheReply() {
        sendAndSettle(say(ALICE, chat.id(), "hello", "k1")).join();

        assertThat(events.placed()).containsExactly("started req-hello @1", "changed USER COMPLETED @2",
                "changed ASSISTANT COMPLETED @2", "ended req-hello OK @2");
    }

    @Test
    void aFailedTurnIsMarkedAndEndedForItsWatchersInOneTransaction() {
        generator.failingWith(DOWN);

        failureOf(sendAndSettle(say(ALICE, chat.id(), "anyone?", "k1")));

        assertThat(events.placed()).containsExactly("started req-anyone? @1",
                "changed USER FAILED AI_PROVIDER_UNAVAILABLE @2", "ended req-anyone? AI_PROVIDER_UNAVAILABLE @2");
    }

    @Test
    void aTurnRefusedBeforeGenerationPublishesOnlyItsFailedUserMessageAndOneNeverStoredNothing() {
        failureOf(sendAndSettle(say(ALICE, chat.id(), "How do I build a bomb at home", null)));
        wallet.with(ALICE, 0);
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "free?", null)))
                .isInstanceOf(ParleyException.class);

        assertThat(events.events()).containsExactly("changed USER FAILED MODERATION_BLOCKED");
    }

    @Test
    void aRetriedTurnIsAnnouncedAgainAndItsReplyPublished() {
        generator.failFirst(4, DOWN);
        failureOf(sendAndSettle(say(ALICE, chat.id(), "retry me", "same")));

        sendAndSettle(say(ALICE, chat.id(), "retry me", "same")).join();

        assertThat(events.events()).containsExactly(
                "started req-retry me", "changed USER FAILED AI_PROVIDER_UNAVAILABLE",
                "ended req-retry me AI_PROVIDER_UNAVAILABLE",
                "started req-retry me", "changed USER COMPLETED", "changed ASSISTANT COMPLETED",
                "ended req-retry me OK");
    }

    @Test
    void replaysRequestsInProgressAndReusedKeysPublishNothing() {
        generator.failFirst(1, DOWN);
        CompletableFuture<ChatTurn> first = service.send(say(ALICE, chat.id(), "slow", "same")).toCompletableFuture();
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "slow", "same")))
                .isInstanceOf(SendMessageFailedException.class);
        assertThat(events.events()).containsExactly("started req-slow");
        scheduler.runUntilIdle();
        first.join();
        List<String> afterTheTurn = events.events();

        assertThat(sendAndSettle(say(ALICE, chat.id(), "slow", "same")).join().replayed()).isTrue();
        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "other", "same")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));

        assertThat(events.events()).isEqualTo(afterTheTurn).hasSize(4);
    }

    @Test
    void aThrowingWatcherBreaksNeitherASuccessfulNorAFailedTurn() {
        events.throwing();

        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), "hello", "k1")).join();
        generator.failingWith(DOWN);
        SendMessageFailedException failure = failureOf(sendAndSettle(say(ALICE, chat.id(), "anyone?", "k2")));

        assertThat(turn.userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(failure.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(conversations.all()).extracting(Message::status).containsExactly(MessageStatus.COMPLETED,
                MessageStatus.COMPLETED, MessageStatus.FAILED);
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(events.events()).hasSize(7);
    }

    /** A sender that writes down what it hears of its turn. */
    private static final class Listening implements TurnObserver {
        private final List<String> heard = new ArrayList<>();
        private final boolean streaming;
        private boolean throwing;

        Listening(boolean streaming) {
            this.streaming = streaming;
        }

        @Override
        public synchronized void stored(MessageId userMessageId) {
            heard.add("stored");
        }

        @Override
        public synchronized void accepted(Message userMessage) {
            heard.add("accepted " + userMessage.content() + " " + userMessage.status());
        }

        @Override
        public boolean streaming() {
            return streaming;
        }

        @Override
        public synchronized void delta(int attempt, String text) {
            if (throwing) {
                throw new IllegalStateException("the sender's connection broke");
            }
            heard.add(attempt + ":" + text);
        }

        @Override
        public synchronized void retrying(int attempt, ErrorCode code, Duration backoff) {
            heard.add("retrying " + attempt + " " + code + " " + backoff.toMillis() + "ms");
        }

        synchronized List<String> heard() {
            return List.copyOf(heard);
        }
    }

    private CompletableFuture<ChatTurn> sendAndSettle(SendMessageCommand command, TurnObserver observer) {
        CompletableFuture<ChatTurn> turn = service.send(command, observer).toCompletableFuture();
        scheduler.runUntilIdle();
        return turn;
    }

    @Test
    void aStreamedTurnHearsItsReplyPieceByPieceAndStoresAndChargesTheWholeReplyOnce() {
        Listening sender = new Listening(true);

        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), "tell me more", "k1"), sender).join();

        assertThat(sender.heard()).containsExactly("stored", "accepted tell me more PENDING",
                "1:re: ", "1:tell ", "1:me ", "1:more");
        assertThat(turn.assistantMessage().content()).isEqualTo("re: tell me more");
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(generator.streamed()).isEqualTo(1);
        assertThat(telemetry.events()).containsExactly("started req-tell me more", "firstDelta req-tell me more #1 0ms",
                "attempt req-tell me more #1 SUCCEEDED", "charged req-tell me more 1",
                "completed req-tell me more OK attempts=1");
    }

    @Test
    void aStreamCutMidWayIsRetriedFromNothingAndItsVoidTextNeverMixesWithTheNextAttempt() {
        Listening sender = new Listening(true);
        generator.failFirst(1, DOWN).piecesBeforeFailure(2);

        CompletableFuture<ChatTurn> turn = service.send(say(ALICE, chat.id(), "tell me more", "k1"), sender)
                .toCompletableFuture();
        generator.writeLate("LATE "); // the cut attempt's provider writes on during the backoff
        scheduler.runUntilIdle();
        generator.writeLate("LATER "); // and after the next attempt's reply

        assertThat(turn.join().assistantMessage().content()).isEqualTo("re: tell me more");
        assertThat(sender.heard()).containsExactly("stored", "accepted tell me more PENDING", "1:re: ", "1:tell ",
                "retrying 1 AI_PROVIDER_UNAVAILABLE 1000ms", "2:re: ", "2:tell ", "2:me ", "2:more");
        assertThat(wallet.charges()).as("one reply, one charge").isEqualTo(1);
        assertThat(conversations.all()).extracting(Message::content).containsExactly("tell me more", "re: tell me more");
        assertThat(telemetry.events()).filteredOn(e -> e.startsWith("firstDelta"))
                .containsExactly("firstDelta req-tell me more #1 0ms", "firstDelta req-tell me more #2 0ms");
    }

    @Test
    void aStreamedTurnWhoseEveryAttemptFailsHearsNoRetryAfterTheLastAndIsNeverCharged() {
        Listening sender = new Listening(true);
        generator.failingWith(DOWN).piecesBeforeFailure(1);

        SendMessageFailedException failure = failureOf(sendAndSettle(say(ALICE, chat.id(), "anyone?", "k1"), sender));

        assertThat(failure.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(sender.heard()).containsExactly("stored", "accepted anyone? PENDING",
                "1:re: ", "retrying 1 AI_PROVIDER_UNAVAILABLE 1000ms",
                "2:re: ", "retrying 2 AI_PROVIDER_UNAVAILABLE 2000ms",
                "3:re: ", "retrying 3 AI_PROVIDER_UNAVAILABLE 4000ms", "4:re: ");
        assertThat(wallet.charges()).isZero();
        assertThat(conversations.all()).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(MessageStatus.FAILED));
    }

    @Test
    void aReplayIsAcceptedWithItsCompletedMessageAndAnsweredWholeWithoutPiecesOrCharge() {
        sendAndSettle(say(ALICE, chat.id(), "once", "same"), new Listening(true)).join();
        Listening again = new Listening(true);

        ChatTurn replayed = sendAndSettle(say(ALICE, chat.id(), "once", "same"), again).join();

        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.assistantMessage().content()).isEqualTo("re: once");
        assertThat(again.heard()).containsExactly("stored", "accepted once COMPLETED");
        assertThat(wallet.charges()).isEqualTo(1);
    }

    @Test
    void aSendThatIsNotStreamedAsksForTheWholeReplyAndHearsNoPieces() {
        Listening sender = new Listening(false);
        generator.failFirst(1, DOWN);

        sendAndSettle(say(ALICE, chat.id(), "hello", "k1"), sender).join();

        assertThat(generator.streamed()).isZero();
        assertThat(generator.requests()).hasSize(2);
        assertThat(sender.heard()).containsExactly("stored", "accepted hello PENDING");
        assertThat(telemetry.events()).noneMatch(e -> e.startsWith("firstDelta"));
    }

    @Test
    void aRefusedStreamedSendIsNeitherAcceptedNorStreamed() {
        sendAndSettle(say(ALICE, chat.id(), "hello", "same")).join();
        Listening reused = new Listening(true);

        assertThatThrownBy(() -> service.send(say(ALICE, chat.id(), "other words", "same"), reused))
                .isInstanceOf(ParleyException.class)
                .satisfies(e -> assertThat(((ParleyException) e).code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
        assertThat(reused.heard()).isEmpty();
    }

    @Test
    void aBlockedStreamedSendIsAcceptedThenEndsWithNeitherPiecesNorAProviderCall() {
        Listening sender = new Listening(true);

        SendMessageFailedException failure = failureOf(
                sendAndSettle(say(ALICE, chat.id(), "How do I build a bomb at home", "k1"), sender));

        assertThat(failure.code()).isEqualTo(ErrorCode.MODERATION_BLOCKED);
        assertThat(sender.heard()).containsExactly("stored", "accepted How do I build a bomb at home PENDING");
        assertThat(generator.requests()).isEmpty();
    }

    @Test
    void aSenderThatBreaksMidStreamNeverStopsItsTurn() {
        Listening sender = new Listening(true);
        sender.throwing = true;

        ChatTurn turn = sendAndSettle(say(ALICE, chat.id(), "tell me more", "k1"), sender).join();

        assertThat(turn.assistantMessage().content()).isEqualTo("re: tell me more");
        assertThat(turn.retryMeta().attempts()).isEqualTo(1);
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(conversations.all()).extracting(Message::status)
                .containsExactly(MessageStatus.COMPLETED, MessageStatus.COMPLETED);
    }
}
