package dev.parley.application.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.application.fakes.DirectUnitOfWork;
import dev.parley.application.fakes.InMemoryConversations;
import dev.parley.application.fakes.InMemoryPersonas;
import dev.parley.application.fakes.InMemoryWallet;
import dev.parley.application.fakes.RecordingTelemetry;
import dev.parley.application.fakes.RecordingTurnEvents;
import dev.parley.application.fakes.ScriptedGenerator;
import dev.parley.application.limit.InMemoryUserQuotas;
import dev.parley.application.limit.UserLimits;
import dev.parley.application.moderation.RuleBasedModeration;
import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.persona.Personas;
import dev.parley.domain.resilience.AttemptListener;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.user.UserId;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue #13: a turn ends once, by the request that holds it; a stored reply is replayed, never
 * generated again nor charged again; blocked or failed content never reaches the provider; no turn
 * stays pending once no request works on it. Each case ends the way a user would check it: one
 * reply, one charge, and every later retry answered 201 (replayed, nothing charged).
 */
class TurnIntegrityTest {
    private static final UserId ALICE = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final Persona MIRA = new Persona(new PersonaId(UUID.randomUUID()), "Mira", "captain", "be a captain");
    private static final ParleyException DOWN = new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "down");
    private static final ParleyException DATABASE_AWAY = new ParleyException(ErrorCode.DATABASE_UNAVAILABLE,
            "connection reset");

    private final MutableClock clock = new MutableClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryConversations stored = new InMemoryConversations();
    private final AtomicBoolean databaseAway = new AtomicBoolean();
    /** The store, whose turn writes ({@code apply}) fail while {@link #databaseAway} is set. */
    private final Conversations conversations = writesFailWhileAway(stored);
    private final InMemoryWallet wallet = new InMemoryWallet().with(ALICE, 5);
    private final RecordingTurnEvents events = new RecordingTurnEvents();
    private final AtomicLong sequence = new AtomicLong();
    private final Personas personas = new InMemoryPersonas(MIRA);
    private final Chat chat = new Chat(new ChatId(UUID.randomUUID()), ALICE, MIRA.id(), "t", clock.instant(),
            clock.instant());

    TurnIntegrityTest() {
        stored.create(chat);
    }

    private SendMessageService service(ReplyGenerator generator, UnitOfWork unitOfWork) {
        GuardedExecutor guarded = new GuardedExecutor(
                new ChatBreakerRegistry(BreakerConfig.defaults(), clock, BreakerListener.NONE),
                RetryPolicy.defaults(), scheduler, clock, new Random(1), AttemptListener.NONE);
        return new SendMessageService(
                new SendMessageService.Ports(conversations, personas, wallet, generator, new RuleBasedModeration(),
                        unitOfWork, new RecordingTelemetry(), events,
                        new InMemoryUserQuotas(new UserLimits(1_000, 1_000_000, 1_000), clock, Duration.ofHours(1))),
                guarded, () -> new UUID(0, sequence.incrementAndGet()), clock,
                new SendMessageService.Settings(1, 20, Duration.ofMinutes(1)));
    }

    private SendMessageService service(ReplyGenerator generator) {
        return service(generator, new DirectUnitOfWork());
    }

    private Conversations writesFailWhileAway(Conversations delegate) {
        return (Conversations) Proxy.newProxyInstance(Conversations.class.getClassLoader(),
                new Class<?>[] {Conversations.class}, (proxy, method, args) -> {
                    if (method.getName().equals("apply") && databaseAway.get()) {
                        throw DATABASE_AWAY;
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private SendMessageCommand send(String text, String key, String requestId) {
        return new SendMessageCommand(ALICE, chat.id(), text, Optional.ofNullable(key), requestId);
    }

    private static Throwable causeOf(CompletableFuture<ChatTurn> turn) {
        assertThat(turn).isCompletedExceptionally();
        Throwable error = turn.handle((ok, e) -> e).join();
        return error instanceof CompletionException ? error.getCause() : error;
    }

    private List<Message> replies() {
        return stored.all().stream().filter(m -> m.role() == MessageRole.ASSISTANT).toList();
    }

    private Message userMessage() {
        return stored.all().stream().filter(m -> m.role() == MessageRole.USER).findFirst().orElseThrow();
    }

    /** Every later retry with the key is 201, replayed, the same reply, nothing charged. */
    private void everyRetryReplays(SendMessageService service, String text, String key, Message reply) {
        for (int i = 0; i < 3; i++) {
            ChatTurn again = service.send(send(text, key, "req-retry-" + i)).toCompletableFuture().join();
            assertThat(again.replayed()).isTrue();
            assertThat(again.tokensCharged()).as("a replay charges nothing by this request").isZero();
            assertThat(again.assistantMessage().id()).isEqualTo(reply.id());
            assertThat(again.userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
        }
        assertThat(replies()).singleElement().isEqualTo(reply);
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(wallet.balance(ALICE)).isEqualTo(4);
        assertThat(userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
    }

    @Test
    void aReplyCommittedJustBeforeTheConnectionDiedIsReplayedByEveryRetryAndChargedOnce() {
        ScriptedGenerator generator = new ScriptedGenerator();
        AtomicBoolean connectionDiesAfterCommit = new AtomicBoolean(true);
        UnitOfWork committedThenLost = new UnitOfWork() {
            @Override
            public <T> T inTransaction(Supplier<T> work) {
                T result = work.get(); // committed
                // the completing transaction (the one that answers the turn), not the turn's earlier reads
                if (result instanceof ChatTurn && connectionDiesAfterCommit.getAndSet(false)) {
                    throw DATABASE_AWAY; // PgBouncer killed before the commit's answer reached us
                }
                return result;
            }
        };
        SendMessageService service = service(generator, committedThenLost);

        CompletableFuture<ChatTurn> first = service.send(send("hello", "k", "req-1")).toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(causeOf(first)).isInstanceOfSatisfying(SendMessageFailedException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));
        everyRetryReplays(service, "hello", "k", replies().get(0));
        assertThat(generator.requests()).hasSize(1);
    }

    @Test
    void aRequestPresumedDeadThatFailsAfterATakeoverLeavesTheNewOwnersTurnAlone() {
        CompletableFuture<GeneratedReply> newOwnersReply = new CompletableFuture<>();
        ReplyGenerator generator = request -> request.requestId().orElseThrow().equals("req-old")
                ? CompletableFuture.failedFuture(DOWN) : newOwnersReply;
        SendMessageService service = service(generator);
        CompletableFuture<ChatTurn> old = service.send(send("hello", "k", "req-old")).toCompletableFuture();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1)); // the old request looks dead
        CompletableFuture<ChatTurn> newOwner = service.send(send("hello", "k", "req-new")).toCompletableFuture();

        scheduler.advance(Duration.ofSeconds(10)); // the old request wakes up, fails its attempts and ends

        assertThat(causeOf(old)).isInstanceOf(SendMessageFailedException.class);
        assertThat(userMessage().status()).as("the new owner's turn").isEqualTo(MessageStatus.PENDING);

        newOwnersReply.complete(new GeneratedReply("aye", "test"));

        ChatTurn turn = newOwner.join();
        assertThat(turn.replayed()).isFalse();
        assertThat(turn.tokensCharged()).isEqualTo(1);
        everyRetryReplays(service, "hello", "k", turn.assistantMessage());
    }

    @Test
    void aRequestPresumedDeadThatCompletesAfterATakeoverCannotEndTheNewOwnersTurn() {
        CompletableFuture<GeneratedReply> oldReply = new CompletableFuture<>();
        ReplyGenerator generator = request -> request.requestId().orElseThrow().equals("req-old")
                ? oldReply : CompletableFuture.completedFuture(new GeneratedReply("new", "test"));
        SendMessageService service = service(generator);
        CompletableFuture<ChatTurn> old = service.send(send("hello", "k", "req-old")).toCompletableFuture();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        ChatTurn newTurn = service.send(send("hello", "k", "req-new")).toCompletableFuture().join();

        assertThat(newTurn.assistantMessage().content()).isEqualTo("new");
        assertThat(userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
        everyRetryReplays(service, "hello", "k", newTurn.assistantMessage());
        assertThat(old).isNotDone();
    }

    @Test
    void twoRequestsWithTheSameKeyOnTwoThreadsMakeOneReplyAndOneCharge() throws Exception {
        ScriptedGenerator generator = new ScriptedGenerator();
        SendMessageService service = service(generator);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> outcomes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String requestId = "req-" + i;
                outcomes.add(threads.submit(() -> {
                    start.await();
                    try {
                        return service.send(send("hello", "k", requestId)).toCompletableFuture().join();
                    } catch (ParleyException e) {
                        return e.code();
                    }
                }));
            }
            start.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> outcome : outcomes) {
                results.add(outcome.get(10, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(r -> r instanceof ChatTurn t && !t.replayed()).hasSize(1);
            assertThat(results).allSatisfy(r -> assertThat(r).satisfiesAnyOf(
                    x -> assertThat(x).isEqualTo(ErrorCode.REQUEST_IN_PROGRESS),
                    x -> assertThat(x).isInstanceOf(ChatTurn.class)));
        } finally {
            threads.shutdownNow();
        }
        everyRetryReplays(service, "hello", "k", replies().get(0));
        assertThat(generator.requests()).hasSize(1);
    }

    @Test
    void aStoredReplyWhoseStatusWriteWasLostIsReplayedAndTheStatusRepairedNeverGeneratedAgain() {
        ScriptedGenerator generator = new ScriptedGenerator().failingWith(DOWN);
        SendMessageService service = service(generator);
        CompletableFuture<ChatTurn> failed = service.send(send("hello", "k", "req-1")).toCompletableFuture();
        scheduler.runUntilIdle();
        assertThat(causeOf(failed)).isInstanceOf(SendMessageFailedException.class);
        Message question = userMessage();
        Message reply = Message.assistantReply(new MessageId(UUID.randomUUID()), question, "stored", clock.instant());
        stored.append(reply); // a reply that landed while the user message's status did not
        wallet.charge(ALICE, reply.id(), 1);
        int generated = generator.requests().size();

        ChatTurn replayed = service.send(send("hello", "k", "req-2")).toCompletableFuture().join();

        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.assistantMessage()).isEqualTo(reply);
        assertThat(generator.requests()).hasSize(generated);
        everyRetryReplays(service, "hello", "k", reply);
    }

    @Test
    void theProviderHearsOnlyCompletedTurnsAndTheMessageBeingAnswered() {
        ScriptedGenerator generator = new ScriptedGenerator();
        SendMessageService service = service(generator);
        service.send(send("hello", null, "req-1")).toCompletableFuture().join();
        CompletableFuture<ChatTurn> blocked = service.send(send("How do I build a bomb at home", null, "req-2"))
                .toCompletableFuture();
        assertThat(causeOf(blocked)).isInstanceOfSatisfying(SendMessageFailedException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MODERATION_BLOCKED));
        generator.failingWith(DOWN);
        CompletableFuture<ChatTurn> failed = service.send(send("anyone?", null, "req-3")).toCompletableFuture();
        scheduler.runUntilIdle();
        assertThat(causeOf(failed)).isInstanceOf(SendMessageFailedException.class);
        stored.append(Message.userMessage(new MessageId(UUID.randomUUID()), chat.id(), "another tab's question",
                Optional.of("other"), clock.instant())); // still being answered elsewhere
        generator.failFirst(0, DOWN);

        service.send(send("last", null, "req-4")).toCompletableFuture().join();

        GenerationRequest last = generator.requests().get(generator.requests().size() - 1);
        assertThat(last.history()).extracting(Message::content).containsExactly("hello", "re: hello", "last");
    }

    @Test
    void theFinalWriteOfARequestThatEndedWhileTheDatabaseWasAwayLandsOnceItIsBack() {
        SendMessageService service = service(new ScriptedGenerator().failingWith(DOWN));
        databaseAway.set(true);
        CompletableFuture<ChatTurn> turn = service.send(send("hello", "k", "req-1")).toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(10)); // the attempts and their waits; the request ends

        assertThat(causeOf(turn)).isInstanceOfSatisfying(SendMessageFailedException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE));
        assertThat(userMessage().status()).isEqualTo(MessageStatus.PENDING);
        scheduler.advance(Duration.ofSeconds(20)); // still away
        databaseAway.set(false);
        scheduler.advance(Duration.ofSeconds(3));

        assertThat(userMessage().status()).as("resolved within seconds of the database coming back")
                .isEqualTo(MessageStatus.FAILED);
        assertThat(userMessage().errorCode()).contains(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(events.events()).contains("changed USER FAILED AI_PROVIDER_UNAVAILABLE");
    }

    @Test
    void aSameKeyRetryTakesOverATurnItsRequestAbandonedAtOnce() {
        ScriptedGenerator generator = new ScriptedGenerator().failFirst(4, DOWN);
        SendMessageService service = service(generator);
        databaseAway.set(true);
        CompletableFuture<ChatTurn> first = service.send(send("hello", "k", "req-1")).toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(8));
        assertThat(causeOf(first)).isInstanceOf(SendMessageFailedException.class);
        databaseAway.set(false); // back, before the background write's next try

        ChatTurn retried = service.send(send("hello", "k", "req-2")).toCompletableFuture().join();

        assertThat(retried.replayed()).isFalse();
        assertThat(retried.userMessage().id()).isEqualTo(userMessage().id());
        scheduler.runUntilIdle(); // the background write finds the turn taken over and gives up
        everyRetryReplays(service, "hello", "k", retried.assistantMessage());
    }

    @Test
    void aReplayedTurnSaysItChargedNothing() {
        SendMessageService service = service(new ScriptedGenerator());
        ChatTurn first = service.send(send("hello", "k", "req-1")).toCompletableFuture().join();

        ChatTurn again = service.send(send("hello", "k", "req-2")).toCompletableFuture().join();

        assertThat(first.tokensCharged()).isEqualTo(1);
        assertThat(again.replayed()).isTrue();
        assertThat(again.tokensCharged()).isZero();
        assertThat(again.tokenBalance()).isEqualTo(4);
    }
}
