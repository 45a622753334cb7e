package dev.parley.application.chat;

import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import dev.parley.domain.common.Failures;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.resilience.GuardedExecutionException;
import dev.parley.domain.resilience.Scheduler;
import dev.parley.domain.retry.RetryMeta;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an admitted (pending) turn ends, for {@link SendMessageService}: completed, with reply, charge
 * and the turn's transition in one unit of work; or failed, with the turn marked failed if it is
 * still pending (in one unit of work with the watchers' events). Either way telemetry hears of it, and so do the turn's watchers ({@link TurnEvents},
 * whose failures are ignored).
 */
final class TurnOutcomes {
    static final Duration IN_PROGRESS_RETRY_AFTER = Duration.ofSeconds(1);

    private final SendMessageService.Ports ports;
    private final TurnEvents events;
    private final IdGenerator ids;
    private final Clock clock;
    private final long costPerReply;
    private final FinalWrites finalWrites;

    TurnOutcomes(SendMessageService.Ports ports, IdGenerator ids, Clock clock, long costPerReply,
            Scheduler scheduler, AbandonedTurns abandoned, Duration staleAfter) {
        this.ports = Objects.requireNonNull(ports, "ports");
        this.events = new QuietTurnEvents(ports.events());
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.costPerReply = costPerReply;
        this.finalWrites = new FinalWrites(ports.conversations(), ports.unitOfWork(), scheduler, clock, abandoned, events,
                staleAfter);
    }

    TurnEvents events() {
        return events;
    }

    /** Stores the reply, charges for it and completes the turn; a failure on the way fails the turn. */
    ChatTurn complete(SendMessageCommand command, Turn turn, GeneratedReply reply, RetryMeta meta) {
        try {
            ChatTurn done = ports.unitOfWork().inTransaction(() -> {
                Message answer = Message.assistantReply(new MessageId(ids.next()), turn.userMessage(),
                        reply.content(), TurnTime.now(clock));
                // the charge first: it locks the user's row, and every transaction that also locks one of
                // the user's chats (storing a message touches it) takes the user's row first — the send's
                // opening transaction locks it for the limits — so two turns of one chat cannot deadlock;
                // the ledger's reference to the reply is checked at commit (migration V9)
                long balance = ports.wallet().charge(command.caller(), answer.id(), costPerReply);
                ports.conversations().append(answer);
                TurnTransition completion = turn.complete(answer);
                if (!ports.conversations().apply(completion)) {
                    // the turn is no longer held by this request (a retry took it over, or a sweep
                    // expired it): its reply and its charge roll back
                    throw new ParleyException(ErrorCode.REQUEST_IN_PROGRESS, "another request decided the turn",
                            IN_PROGRESS_RETRY_AFTER);
                }
                // the watchers' events in the same transaction (an outbox commits or rolls back with the turn)
                events.turnCompleted(completion.result().userMessage(), answer, command.requestId());
                return new ChatTurn(completion.result().userMessage(), answer, costPerReply, balance, meta, false);
            });
            ports.telemetry().charged(command.requestId(), done.tokensCharged());
            ports.telemetry().completed(command.requestId(), done.userMessage().chatId(), null, meta, false);
            return done;
        } catch (RuntimeException e) {
            throw fail(command, turn, unwrap(e), meta, true);
        }
    }

    /**
     * Marks the turn failed (its user message stays, for a retry), reports the end of the request
     * and builds the failure ({@code meta}: the attempts made, if generation was tried). Marking
     * applies only while the turn is still pending and held by this request (its lease); when the
     * database itself is away, the client gets the original error at once, the turn is abandoned
     * (a same-key retry here takes it over at once) and the write is retried in the background
     * ({@link FinalWrites}). REQUEST_IN_PROGRESS means the turn belongs to another request: it is
     * left alone.
     */
    SendMessageFailedException fail(SendMessageCommand command, Turn turn, ParleyException cause, RetryMeta meta,
            boolean generationStarted) {
        Message userMessage = turn.userMessage();
        Runnable endOfGeneration = generationStarted
                ? () -> events.generationEnded(userMessage.chatId(), command.requestId(), Optional.of(cause.code()))
                : () -> { };
        if (cause.code() != ErrorCode.REQUEST_IN_PROGRESS) {
            // the marking and the watchers' events in one transaction
            finalWrites.land(turn, turn.fail(cause.code(), TurnTime.now(clock)), cause, endOfGeneration);
        } else {
            endOfGeneration.run();
        }
        return ended(command, userMessage, cause, meta);
    }

    /**
     * A turn that ended in its opening transaction, marked failed there with {@code cause} (moderation
     * blocked it, or the breaker refused it): reports the end of the request and builds the failure.
     */
    SendMessageFailedException endedAtOpening(SendMessageCommand command, Turn turn, ParleyException cause) {
        return ended(command, turn.userMessage(), cause,
                cause instanceof GuardedExecutionException refused ? refused.retryMeta() : null);
    }

    private SendMessageFailedException ended(SendMessageCommand command, Message userMessage, ParleyException cause,
            RetryMeta meta) {
        ports.telemetry().completed(command.requestId(), userMessage.chatId(), cause.code(), meta, false);
        return new SendMessageFailedException(cause, userMessage.chatId(), userMessage.id(), meta);
    }

    /**
     * The opening transaction failed after it stored (or claimed) {@code turn}. When the database went
     * away, its commit may have happened all the same, the answer lost on the way: the turn would then
     * sit PENDING, held by no request, until the stale sweep. So its failure is landed like any last
     * write ({@link FinalWrites}): applied if the turn is there as this request wrote it, refused if the
     * transaction rolled back after all, retried in the background while the database is away. Other
     * failures rolled the transaction back for certain: nothing to do. Either way the request's
     * telemetry hears that it ended.
     */
    void settleInDoubt(SendMessageCommand command, Turn turn, RuntimeException failure) {
        ErrorCode code = unwrap(failure).code();
        if (code == ErrorCode.DATABASE_UNAVAILABLE) {
            finalWrites.land(turn, turn.fail(ErrorCode.DATABASE_UNAVAILABLE, TurnTime.now(clock)), failure, () -> { });
        }
        // its telemetry started in that transaction
        ports.telemetry().completed(command.requestId(), turn.userMessage().chatId(), code, null, false);
    }

    static ParleyException unwrap(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof ParleyException parley) {
            return parley;
        }
        return new ParleyException(ErrorCode.INTERNAL_ERROR, "sending failed unexpectedly", null, cause);
    }
}
