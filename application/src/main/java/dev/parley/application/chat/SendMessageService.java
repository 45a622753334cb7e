package dev.parley.application.chat;

import dev.parley.domain.common.Failures;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.moderation.Moderation;
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
 *       message is stored once; a completed turn is replayed without a new charge; a failed one is
 *       generated again for the same user message; one still being answered is REQUEST_IN_PROGRESS;
 *       the key with other content is IDEMPOTENCY_KEY_REUSED.</li>
 *   <li>The user message is stored before anything else can fail.</li>
 *   <li>Moderation, then the balance, then generation under the chat's breaker and the retry policy
 *       ({@link GuardedExecutor}: waits never block a thread).</li>
 *   <li>Success: reply, charge and ledger row in one unit of work. Failure: the user message stays,
 *       marked failed with its code; nothing is charged.</li>
 * </ol>
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
            Moderation moderation, UnitOfWork unitOfWork, GenerationTelemetry telemetry, TurnEvents events) {
        public Ports {
            Objects.requireNonNull(conversations, "conversations");
            Objects.requireNonNull(personas, "personas");
            Objects.requireNonNull(wallet, "wallet");
            Objects.requireNonNull(generator, "generator");
            Objects.requireNonNull(moderation, "moderation");
            Objects.requireNonNull(unitOfWork, "unitOfWork");
            Objects.requireNonNull(telemetry, "telemetry");
            Objects.requireNonNull(events, "events");
        }
    }

    private static final Duration IN_PROGRESS_RETRY_AFTER = Duration.ofSeconds(1);

    private final Ports ports;
    private final GuardedExecutor guarded;
    private final IdGenerator ids;
    private final Clock clock;
    private final Settings settings;

    public SendMessageService(Ports ports, GuardedExecutor guarded, IdGenerator ids, Clock clock, Settings settings) {
        this.ports = Objects.requireNonNull(ports, "ports");
        this.guarded = Objects.requireNonNull(guarded, "guarded");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public CompletionStage<ChatTurn> send(SendMessageCommand command) {
        Chat chat = ChatAccess.ownedChat(ports.conversations(), command.chatId(), command.caller());
        Persona persona = ports.personas().find(chat.personaId())
                .orElseThrow(() -> new ParleyException(ErrorCode.INTERNAL_ERROR, "chat without persona"));

        Admission admission = admit(command);
        if (admission.replay() != null) {
            ports.telemetry().completed(command.requestId(), chat.id(), null, null, true);
            return CompletableFuture.completedFuture(admission.replay());
        }
        Message userMessage = admission.toGenerate();
        try {
            var verdict = ports.moderation().check(userMessage.content());
            if (!verdict.allowed()) {
                throw new ParleyException(ErrorCode.MODERATION_BLOCKED,
                        "blocked by moderation: " + verdict.category().orElse("unspecified"));
            }
            if (ports.wallet().balance(command.caller()) < settings.costPerReply()) {
                throw new ParleyException(ErrorCode.INSUFFICIENT_TOKENS, "balance lower than the cost of a reply");
            }
            GenerationRequest request = new GenerationRequest(chat.id(), persona,
                    history(userMessage), userMessage, Optional.of(command.requestId()));
            return guarded.execute(chat.id(), attempt -> ports.generator().generate(request),
                            report -> ports.telemetry().attempt(command.requestId(), report))
                    .handle((result, error) -> {
                        if (error != null) {
                            ParleyException failure = unwrap(error);
                            RetryMeta meta = failure instanceof GuardedExecutionException g ? g.retryMeta() : null;
                            throw failAndReport(command, userMessage, failure, meta);
                        }
                        return complete(command, userMessage, result.value(), result.meta());
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failAndReport(command, userMessage, unwrap(e), null));
        }
    }

    /** The outcome of the idempotency check: a turn to replay, or a stored user message to answer. */
    private record Admission(ChatTurn replay, Message toGenerate) {
    }

    private Admission admit(SendMessageCommand command) {
        Instant now = clock.instant();
        Message fresh = Message.userMessage(new MessageId(ids.next()), command.chatId(), command.content(),
                command.idempotencyKey(), now);
        if (command.idempotencyKey().isEmpty()) {
            ports.conversations().append(fresh);
            return new Admission(null, fresh);
        }
        String key = command.idempotencyKey().get();
        if (ports.conversations().appendIfKeyUnused(fresh)) {
            return new Admission(null, fresh);
        }
        Message existing = ports.conversations().findByIdempotencyKey(command.chatId(), key)
                .orElseThrow(() -> new ParleyException(ErrorCode.INTERNAL_ERROR, "idempotency key vanished"));
        if (!existing.content().equals(command.content())) {
            throw new ParleyException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "key reused for other content");
        }
        if (existing.status() == MessageStatus.COMPLETED) {
            Message reply = ports.conversations().findReplyTo(existing.id())
                    .orElseThrow(() -> new ParleyException(ErrorCode.INTERNAL_ERROR, "completed turn without reply"));
            RetryMeta none = RetryMeta.noAttempt(guarded.breakers().state(command.chatId()).kind());
            return new Admission(new ChatTurn(existing, reply, settings.costPerReply(),
                    ports.wallet().balance(command.caller()), none, true), null);
        }
        if (!ports.conversations().claimForRetry(existing.id(), now, now.minus(settings.staleAfter()))) {
            throw new SendMessageFailedException(new ParleyException(ErrorCode.REQUEST_IN_PROGRESS,
                    "the same turn is being answered", IN_PROGRESS_RETRY_AFTER), existing.chatId(), existing.id(),
                    null);
        }
        return new Admission(null, existing.withStatus(MessageStatus.PENDING, Optional.empty()));
    }

    /** The recent history ending with {@code userMessage} (a retried message may not be the newest). */
    private List<Message> history(Message userMessage) {
        List<Message> recent = ports.conversations().recentMessages(userMessage.chatId(), settings.historyLimit());
        int at = -1;
        for (int i = 0; i < recent.size(); i++) {
            if (recent.get(i).id().equals(userMessage.id())) {
                at = i;
            }
        }
        return at >= 0 ? List.copyOf(recent.subList(0, at + 1)) : List.of(userMessage);
    }

    private ChatTurn complete(SendMessageCommand command, Message userMessage, GeneratedReply reply, RetryMeta meta) {
        try {
            ChatTurn turn = ports.unitOfWork().inTransaction(() -> {
                Message answer = Message.assistantReply(new MessageId(ids.next()), userMessage, reply.content(),
                        clock.instant());
                ports.conversations().append(answer);
                long balance = ports.wallet().charge(command.caller(), answer.id(), settings.costPerReply());
                ports.conversations().markUserMessage(userMessage.id(), MessageStatus.COMPLETED, Optional.empty(),
                        answer.createdAt());
                return new ChatTurn(userMessage.withStatus(MessageStatus.COMPLETED, Optional.empty()), answer,
                        settings.costPerReply(), balance, meta, false);
            });
            ports.telemetry().completed(command.requestId(), userMessage.chatId(), null, meta, false);
            return turn;
        } catch (RuntimeException e) {
            throw failAndReport(command, userMessage, unwrap(e), meta);
        }
    }

    /**
     * Marks the stored user message failed (it stays, for a retry), reports the end of the request
     * and builds the failure ({@code meta}: the attempts made, if generation was tried). Marking is best effort: when the database itself is the failure, the
     * message stays pending (a retry takes it over once stale) and the client gets the original error.
     */
    private SendMessageFailedException failAndReport(SendMessageCommand command, Message userMessage,
            ParleyException cause, RetryMeta meta) {
        try {
            ports.conversations().markUserMessage(userMessage.id(), MessageStatus.FAILED, Optional.of(cause.code()),
                    clock.instant());
        } catch (RuntimeException markingFailed) {
            cause.addSuppressed(markingFailed);
        }
        ports.telemetry().completed(command.requestId(), userMessage.chatId(), cause.code(), meta, false);
        return new SendMessageFailedException(cause, userMessage.chatId(), userMessage.id(), meta);
    }

    private static ParleyException unwrap(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof ParleyException parley) {
            return parley;
        }
        return new ParleyException(ErrorCode.INTERNAL_ERROR, "sending failed unexpectedly", null, cause);
    }
}
