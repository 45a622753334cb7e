package dev.parley.application.chat;

import dev.parley.application.limit.UserQuotas;
import dev.parley.application.limit.UserQuotas.Permit;
import dev.parley.domain.chat.Admission;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.moderation.Moderation;
import dev.parley.domain.moderation.ModerationVerdict;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.Personas;
import dev.parley.domain.resilience.GuardedExecutionException;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.telemetry.GenerationTelemetry;
import dev.parley.domain.token.TokenWallet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The send-a-message use case (docs/architecture.md#the-turn-flow).
 *
 * <ol>
 *   <li>The caller must own the chat (another user's chat is CHAT_NOT_FOUND).</li>
 *   <li>Idempotency: the same key on the same chat with the same content is the same turn: its user
 *       message is stored once; the domain decides the {@link Admission}: a turn whose reply is
 *       stored is replayed (its status repaired if need be), saying it charged nothing; one still
 *       being answered is REQUEST_IN_PROGRESS; the key with other content is IDEMPOTENCY_KEY_REUSED —
 *       none of these is limited or stores anything. A failed one (or one whose request went stale,
 *       or abandoned it on this instance) is generated again for the same user message.</li>
 *   <li>Before anything is stored for a turn to generate: the balance must cover a reply
 *       (INSUFFICIENT_TOKENS), then the caller's limits must admit it ({@link UserQuotas}:
 *       USER_RATE_LIMITED). The permit is given back when the turn ends, however it ends; a send that
 *       turns out to repeat a stored turn withdraws it (it does not count).</li>
 *   <li>The user message is stored (or the failed one claimed) before anything else can fail, in the
 *       transaction that asked the limits, which then count it ({@link UserQuotas.Permit#stored()}).</li>
 *   <li>Moderation (decided in the opening transaction), then generation under the chat's breaker and
 *       the retry policy ({@link GuardedExecutor}: waits never block a thread); for a sender that streams
 *       ({@link TurnObserver#streaming}) each attempt streams, its pieces and retries told as they come
 *       ({@link StreamedAttempts}), and the reply stored is still the completed attempt's, whole.</li>
 *   <li>Success: reply, charge, ledger row and the turn's completion in one unit of work. Failure: the
 *       user message stays, marked failed with its code if this request still holds it; nothing is
 *       charged. A marking the database refuses is retried in the background ({@link FinalWrites}).</li>
 * </ol>
 * The turn's moves are the domain's ({@link Turn}); the store applies each only from the state and
 * lease it expects, so only the request that holds a turn can end it. The provider hears completed
 * turns only ({@link ProviderHistory}). Watchers hear of the turn through {@link TurnEvents}, each
 * event in a transaction the turn makes anyway (an outbox writes them with the turn: no transaction of
 * their own): {@code generationStarted} in the opening transaction of a turn moderation lets through
 * (unless the chat's breaker is open: it would refuse the generation at once);
 * the changed messages (the completed user message and the reply, or the failed user message, except
 * for REQUEST_IN_PROGRESS) and {@code generationEnded} after a started generation, in the transaction
 * that ends the turn. A replay publishes nothing. A watcher that throws never breaks the turn (a write
 * the database refuses still fails the transaction it is in, as any other write would).
 */
public final class SendMessageService implements SendMessageUseCase {
    /**
     * The settings of the use case.
     *
     * @param costPerReply  tokens charged per successful reply
     * @param historyLimit  recent messages sent to the provider
     * @param staleAfter    how long a PENDING user message may sit untouched before its request is
     *                      presumed dead and a retry with the same key may take it over; longer than
     *                      the retry deadline
     */
    public record Settings(long costPerReply, int historyLimit, Duration staleAfter) {
        public Settings {
            if (costPerReply < 1) {
                throw new IllegalArgumentException("costPerReply must be at least 1");
            }
            if (historyLimit < 1) {
                throw new IllegalArgumentException("historyLimit must be at least 1");
            }
            if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
                throw new IllegalArgumentException("staleAfter must be positive");
            }
        }
    }

    /** The ports the use case drives. */
    public record Ports(Conversations conversations, Personas personas, TokenWallet wallet, ReplyGenerator generator,
            Moderation moderation, UnitOfWork unitOfWork, GenerationTelemetry telemetry, TurnEvents events,
            UserQuotas quotas) {
        public Ports {
            Objects.requireNonNull(conversations, "conversations");
            Objects.requireNonNull(personas, "personas");
            Objects.requireNonNull(wallet, "wallet");
            Objects.requireNonNull(generator, "generator");
            Objects.requireNonNull(moderation, "moderation");
            Objects.requireNonNull(unitOfWork, "unitOfWork");
            Objects.requireNonNull(telemetry, "telemetry");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(quotas, "quotas");
        }
    }

    private final Ports ports;
    private final GuardedExecutor guarded;
    private final IdGenerator ids;
    private final Clock clock;
    private final Settings settings;
    private final TurnOutcomes outcomes;
    private final AbandonedTurns abandoned = new AbandonedTurns();

    public SendMessageService(Ports ports, GuardedExecutor guarded, IdGenerator ids, Clock clock, Settings settings) {
        this.ports = Objects.requireNonNull(ports, "ports");
        this.guarded = Objects.requireNonNull(guarded, "guarded");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.outcomes = new TurnOutcomes(ports, ids, clock, settings.costPerReply(), guarded.scheduler(), abandoned,
                settings.staleAfter());
    }

    @Override
    public CompletionStage<ChatTurn> send(SendMessageCommand command, TurnObserver observer) {
        Objects.requireNonNull(observer, "observer");
        Instant now = TurnTime.now(clock);
        Message sent = Message.userMessage(new MessageId(ids.next()), command.chatId(), command.content(),
                command.idempotencyKey(), now);
        // the reads, the balance and the limits, and the message's admission in one transaction: fewer
        // round trips per turn. The permit taken inside is given back if the transaction fails.
        Permit[] taken = new Permit[1];
        Turn[] written = new Turn[1];
        Opened opened;
        try {
            opened = ports.unitOfWork().inTransaction(() -> open(command, sent, now, taken, written));
        } catch (RuntimeException e) {
            if (taken[0] != null) {
                taken[0].withdraw();
            }
            if (written[0] != null) {
                outcomes.settleInDoubt(command, written[0], e); // its commit may have happened all the same
            }
            throw e;
        }
        Permit permit = taken[0];
        if (!(opened.admission() instanceof Admission.Generate generate)) {
            if (permit != null) {
                permit.withdraw(); // a repeat of a stored turn: it does not count
            }
            return answerWithoutGenerating(command, opened.admission(), observer);
        }
        // a turn to generate always holds a permit: a refused one is only ever answered from a stored turn;
        // its message is stored, or its failed turn claimed, by the opening transaction
        observer.stored(generate.turn().userMessage().id());
        observer.accepted(generate.turn().userMessage());
        if (opened.decided() != null) {
            permit.release(); // it ended in the opening transaction
            return CompletableFuture.failedFuture(outcomes.endedAtOpening(command, generate.turn(), opened.decided()));
        }
        // the permit is given back when the turn ends, however it ends; the stage returned completes after that
        return generate(command, opened, generate.turn(), observer)
                .whenComplete((turn, error) -> permit.release());
    }

    /**
     * Inside the opening transaction: the caller's chat and its persona, the balance and the caller's
     * limits ({@link #admitGeneration}, whose permit goes to {@code taken}), then the message's
     * admission; a failed turn to generate again is claimed here too, so that a limit counting from
     * the store sees it generating once this transaction commits; and, for a turn to generate, the
     * history the provider hears (read here rather than in a transaction of its own: one transaction
     * fewer per turn); the turn it stores or claims goes to {@code written} (if the transaction then fails,
     * its commit may still have happened). A turn whose end is already known here ({@link #decided}) is
     * marked failed in this transaction too. When the balance or a limit refuses, a request whose key
     * names a stored turn (a replay, a turn in progress, a reused key) is answered from it anyway: it
     * stores and generates nothing, so neither applies to it.
     */
    private Opened open(SendMessageCommand command, Message sent, Instant now, Permit[] taken, Turn[] written) {
        Chat owned = ChatAccess.ownedChat(ports.conversations(), command.chatId(), command.caller());
        Persona found = ports.personas().find(owned.personaId())
                .orElseThrow(() -> new ParleyException(ErrorCode.INTERNAL_ERROR, "chat without persona"));
        try {
            taken[0] = admitGeneration(command);
        } catch (ParleyException refused) {
            if (!isRefusal(refused)) {
                throw refused; // the database failed, say: nothing more to ask it in this transaction
            }
            Admission repeat = storedTurn(command).map(turn -> decide(Optional.of(turn), sent, now))
                    .filter(decided -> !(decided instanceof Admission.Generate))
                    .orElseThrow(() -> refusal(command, refused));
            return new Opened(owned, found, repeat, List.of(), null, false);
        }
        Admission admission = admit(command, sent, now);
        if (admission instanceof Admission.Generate generate) {
            if (generate.claim().isPresent() && !ports.conversations().apply(generate.claim().get())) {
                // another retry claimed it first: nothing was stored, the permit is given back
                return new Opened(owned, found, new Admission.InProgress(generate.turn().userMessage()), List.of(), null, false);
            }
            written[0] = generate.turn(); // stored, or claimed, by this transaction
            taken[0].stored(); // counted in this transaction, where the limits were asked
            ports.telemetry().started(command.requestId(), owned.id());
            ParleyException decided = decided(command, generate.turn()).orElse(null);
            if (decided != null) {
                // the turn's end in its opening transaction: stored (or claimed), marked failed and
                // announced as such in one commit; its watchers never hear of a generation
                TurnTransition failing = generate.turn().fail(decided.code(), TurnTime.now(clock));
                if (!ports.conversations().apply(failing)) {
                    throw new ParleyException(ErrorCode.INTERNAL_ERROR, "a turn stored in this transaction was changed");
                }
                outcomes.events().messageChanged(failing.result().userMessage());
                return new Opened(owned, found, admission, List.of(), decided, false);
            }
            // a generation to come is announced with the stored message, in this transaction: no
            // transaction of its own for the typing event
            outcomes.events().generationStarted(owned.id(), command.requestId());
            return new Opened(owned, found, admission, history(generate.turn().userMessage()), null, true);
        }
        return new Opened(owned, found, admission, List.of(), null, false);
    }

    /**
     * How a stored turn ends if that is known before generating, with no I/O: moderation blocks its
     * message (MODERATION_BLOCKED), or the chat's breaker is open, so the first attempt would be refused
     * at once (CIRCUIT_OPEN with the exact remaining open time and the meta of no attempt; reported as
     * a refused attempt, like the executor's own refusal). Empty for a turn to generate. A breaker that
     * opens after this is met by the executor, as before.
     */
    private Optional<ParleyException> decided(SendMessageCommand command, Turn turn) {
        ModerationVerdict verdict = ports.moderation().check(turn.userMessage().content());
        if (!verdict.allowed()) {
            return Optional.of(new ParleyException(ErrorCode.MODERATION_BLOCKED,
                    "blocked by moderation: " + verdict.category().orElse("unspecified")));
        }
        return guarded.refusalWhileOpen(turn.userMessage().chatId(),
                report -> ports.telemetry().attempt(command.requestId(), report)).map(refusal -> refusal);
    }

    /** A replay, a turn in progress or a reused key: nothing is stored or generated. */
    private CompletionStage<ChatTurn> answerWithoutGenerating(SendMessageCommand command, Admission admission,
            TurnObserver observer) {
        storedMessage(admission).ifPresent(observer::stored);
        if (admission instanceof Admission.Replay replay) {
            ChatTurn replayed = replay(command, replay);
            observer.accepted(replayed.userMessage());
            return CompletableFuture.completedFuture(replayed);
        }
        if (admission instanceof Admission.KeyReused) {
            throw new ParleyException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "key reused for other content");
        }
        Admission.InProgress inProgress = (Admission.InProgress) admission;
        throw inProgress(inProgress.userMessage());
    }

    /** The turn stored under the command's idempotency key, if it has one and it is used. */
    private Optional<Turn> storedTurn(SendMessageCommand command) {
        return command.idempotencyKey().flatMap(key -> ports.conversations().findTurn(command.chatId(), key));
    }

    private Admission decide(Optional<Turn> stored, Message sent, Instant now) {
        return Admission.decide(stored, sent, now, settings.staleAfter(), abandoned::holds);
    }

    /**
     * What must hold before a turn is stored or claimed for generation: a balance that covers a reply
     * (INSUFFICIENT_TOKENS), then the caller's limits (USER_RATE_LIMITED). Either refusal stores
     * nothing, charges nothing and counts nothing. Checked before the key is looked up, so that a
     * new turn costs no extra query; a refused request whose key names a stored turn is answered
     * from it instead.
     */
    private Permit admitGeneration(SendMessageCommand command) {
        if (ports.wallet().balance(command.caller()) < settings.costPerReply()) {
            throw new ParleyException(ErrorCode.INSUFFICIENT_TOKENS, "balance lower than the cost of a reply");
        }
        return ports.quotas().admitSend(command.caller());
    }

    /** The balance or a limit said no (as opposed to a failure while asking). */
    private static boolean isRefusal(ParleyException e) {
        return e.code() == ErrorCode.INSUFFICIENT_TOKENS || e.code() == ErrorCode.USER_RATE_LIMITED;
    }

    private ParleyException refusal(SendMessageCommand command, ParleyException refused) {
        ports.telemetry().completed(command.requestId(), command.chatId(), refused.code(), null, false);
        return refused;
    }

    /**
     * Stores the sent message unless its key names a stored turn (with a key: an insert that does
     * nothing if the key is used); the domain decides the rest.
     */
    private Admission admit(SendMessageCommand command, Message sent, Instant now) {
        if (command.idempotencyKey().isEmpty()) {
            ports.conversations().append(sent);
            return decide(Optional.empty(), sent, now);
        }
        if (ports.conversations().appendIfKeyUnused(sent)) {
            return decide(Optional.empty(), sent, now);
        }
        Turn stored = ports.conversations().findTurn(command.chatId(), command.idempotencyKey().get())
                .orElseThrow(() -> new ParleyException(ErrorCode.INTERNAL_ERROR, "idempotency key vanished"));
        return decide(Optional.of(stored), sent, now);
    }

    /**
     * What the opening transaction found: the caller's chat, its persona, the message's admission and,
     * for a turn to generate, the history to send (else empty), or the failure its turn was given in
     * that transaction ({@link #decided}; else null), and whether its generation was announced to the
     * watchers there.
     */
    private record Opened(Chat chat, Persona persona, Admission admission, List<Message> history,
            ParleyException decided, boolean announced) {
    }

    private static Optional<MessageId> storedMessage(Admission admission) {
        if (admission instanceof Admission.Generate generate) {
            return Optional.of(generate.turn().userMessage().id());
        }
        if (admission instanceof Admission.Replay replay) {
            return Optional.of(replay.userMessage().id());
        }
        if (admission instanceof Admission.InProgress inProgress) {
            return Optional.of(inProgress.userMessage().id());
        }
        return Optional.empty();
    }

    /**
     * Answers the stored reply again; this request charged nothing. A turn whose reply is stored but
     * whose status write was lost is repaired first (best effort: a refusal means someone else did).
     */
    private ChatTurn replay(SendMessageCommand command, Admission.Replay replay) {
        replay.repair().ifPresent(ports.conversations()::apply);
        RetryMeta none = RetryMeta.noAttempt(guarded.breakers().state(command.chatId()).kind());
        ChatTurn turn = new ChatTurn(replay.userMessage(), replay.reply(), 0,
                ports.wallet().balance(command.caller()), none, true);
        ports.telemetry().completed(command.requestId(), command.chatId(), null, null, true);
        return turn;
    }

    private static SendMessageFailedException inProgress(Message userMessage) {
        return SendMessageFailedException.inProgress(userMessage.chatId(), userMessage.id());
    }

    /**
     * Generation under the breaker and retry policy (announced in the opening transaction); ends the turn.
     * A streamed turn's attempts stream, each through {@link StreamedAttempts}; the reply stored and
     * charged is the completed attempt's, as for any turn.
     */
    private CompletionStage<ChatTurn> generate(SendMessageCommand command, Opened opened, Turn turn,
            TurnObserver observer) {
        Message userMessage = turn.userMessage();
        Chat chat = opened.chat();
        boolean started = opened.announced();
        try {
            GenerationRequest request = new GenerationRequest(chat.id(), opened.persona(), opened.history(),
                    userMessage, Optional.of(command.requestId()));
            StreamedAttempts streamed = observer.streaming()
                    ? new StreamedAttempts(observer, ports.telemetry(), command.requestId(), chat.id(), clock)
                    : null;
            return guarded.execute(chat.id(),
                            attempt -> {
                                GenerationRequest timed = request.within(attempt.remaining());
                                return streamed == null ? ports.generator().generate(timed)
                                        : ports.generator().stream(timed, streamed.open(attempt.attempt()));
                            },
                            report -> {
                                ports.telemetry().attempt(command.requestId(), report);
                                if (streamed != null) {
                                    streamed.ended(report);
                                }
                            })
                    .handle((result, error) -> {
                        if (error != null) {
                            ParleyException failure = TurnOutcomes.unwrap(error);
                            RetryMeta meta = failure instanceof GuardedExecutionException g ? g.retryMeta() : null;
                            throw outcomes.fail(command, turn, failure, meta, started);
                        }
                        return outcomes.complete(command, turn, result.value(), result.meta());
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(outcomes.fail(command, turn, TurnOutcomes.unwrap(e), null, started));
        }
    }

    /**
     * The recent history ending with {@code userMessage} (a retried message may not be the newest):
     * completed turns only (a user message COMPLETED and its reply), so that blocked, failed or
     * unanswered content never reaches the provider, then the message being answered. At most
     * {@code historyLimit} messages.
     */
    private List<Message> history(Message userMessage) {
        List<Message> recent = ports.conversations().recentMessages(userMessage.chatId(),
                (int) Math.min(Integer.MAX_VALUE, 2L * settings.historyLimit()));
        return ProviderHistory.of(recent, userMessage, settings.historyLimit());
    }
}
