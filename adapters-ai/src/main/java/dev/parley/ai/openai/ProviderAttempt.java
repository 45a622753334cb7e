package dev.parley.ai.openai;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.resilience.Scheduler;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One attempt at the provider, whole or streamed, from the moment the caller asks for it until it
 * ends: what the fault-tolerance guards of {@link OpenAiCalls} cannot hold, since one guarded method
 * serves both kinds of attempt.
 *
 * <ul>
 * <li><b>The attempt timeout</b> runs from {@link #start} (so time spent waiting for a bulkhead slot
 * counts) until the reply of a whole attempt, or the first piece of a streamed one; then the attempt
 * fails with {@code AI_PROVIDER_TIMEOUT} and its exchange is dropped. A streamed attempt's first piece
 * stops it: from then on the client's idle timeout bounds each silence
 * ({@link ChatCompletionsClient#stream}).</li>
 * <li><b>The turn's deadline</b> ({@link GenerationRequest#timeLeft}) bounds the whole attempt, whole or
 * streamed, however lively the provider still is: past it the caller has cut the attempt off and waits no
 * more, so the attempt fails with {@code AI_PROVIDER_TIMEOUT}, its exchange is dropped and its call slot
 * given back.</li>
 * <li>An attempt whose time runs out while it still waits for a slot is told to {@code timedOutWaiting}
 * at once; when it reaches its slot later it fails there and then, without an exchange.</li>
 * <li><b>Deltas</b> reach the caller only until the attempt has ended: a piece and the end are ordered
 * by one lock, so no piece follows a timeout or any other end.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class ProviderAttempt {
    private final GenerationRequest request;
    private final ReplyDeltas deltas;
    private final Context trace;
    private final Duration timeout;
    private final Consumer<ParleyException> timedOutWaiting;
    private final CompletableFuture<GeneratedReply> outcome = new CompletableFuture<>();
    private Scheduler.Cancellable deadline;
    private Scheduler.Cancellable turnDeadline;
    private boolean running;
    private boolean firstPiece;
    private boolean ended;

    private ProviderAttempt(GenerationRequest request, ReplyDeltas deltas, Context trace, Duration timeout,
            Consumer<ParleyException> timedOutWaiting) {
        this.request = Objects.requireNonNull(request, "request");
        this.deltas = deltas;
        this.trace = Objects.requireNonNull(trace, "trace");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.timedOutWaiting = Objects.requireNonNull(timedOutWaiting, "timedOutWaiting");
    }

    /**
     * An attempt asked for now, its timeout (and the turn's deadline, if the request has one) started on
     * {@code timer}: streamed to {@code deltas}, or whole when they are {@code null}. {@code trace} is the
     * attempt's OpenTelemetry context (the exchange runs on another thread).
     */
    static ProviderAttempt start(GenerationRequest request, ReplyDeltas deltas, Context trace, Duration timeout,
            Scheduler timer, Consumer<ParleyException> timedOutWaiting) {
        ProviderAttempt attempt = new ProviderAttempt(request, deltas, trace, timeout, timedOutWaiting);
        Scheduler.Cancellable deadline = timer.schedule(timeout, () -> attempt.timeUp(false));
        Scheduler.Cancellable turnDeadline = request.timeLeft()
                .map(left -> timer.schedule(left, () -> attempt.timeUp(true))).orElse(null);
        synchronized (attempt) {
            attempt.deadline = deadline;
            attempt.turnDeadline = turnDeadline;
        }
        return attempt;
    }

    /**
     * Runs the exchange (inside the guards, once the attempt has its slot); the stage ends the attempt with
     * the reply or a {@link ParleyException}.
     */
    CompletionStage<GeneratedReply> run(ChatCompletionsClient client, Duration idle) {
        synchronized (this) {
            if (ended) {
                return outcome.copy(); // timed out while it waited for its slot
            }
            running = true;
        }
        CompletionStage<GeneratedReply> exchange = deltas == null
                ? client.complete(request, trace)
                : client.stream(request, this::piece, idle, trace);
        exchange.whenComplete(this::end);
        outcome.whenComplete((reply, error) -> exchange.toCompletableFuture().cancel(true)); // drops it if still going
        return outcome.copy();
    }

    /** Ends the attempt with {@code reply} or {@code error}, unless it has ended already. */
    void end(GeneratedReply reply, Throwable error) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        stopTimers();
        if (error == null) {
            outcome.complete(reply);
        } else {
            outcome.completeExceptionally(error);
        }
    }

    private void piece(String text) {
        Scheduler.Cancellable pending = null;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (!firstPiece) {
                firstPiece = true;
                pending = deadline;
            }
            deltas.delta(text);
        }
        if (pending != null) {
            pending.cancel();
        }
    }

    /**
     * A timer ran out: the attempt timeout ({@code turn} false; void once the first piece has come) or
     * the turn's deadline. Ends the attempt with {@code AI_PROVIDER_TIMEOUT} unless it has ended.
     */
    private void timeUp(boolean turn) {
        boolean waiting;
        boolean streaming;
        synchronized (this) {
            if (ended || !turn && firstPiece) {
                return;
            }
            ended = true;
            waiting = !running;
            streaming = firstPiece;
        }
        stopTimers();
        String why = turn
                ? "the attempt was cut off at the turn's deadline (" + request.timeLeft().orElseThrow().toMillis()
                        + " ms after it started" + (streaming ? ", the provider still streaming" : "")
                : "the AI provider " + (deltas == null ? "did not answer" : "sent no piece")
                        + " within the attempt timeout (" + timeout.toMillis() + " ms";
        ParleyException timedOut = new ParleyException(ErrorCode.AI_PROVIDER_TIMEOUT,
                why + (waiting ? ", all of it waiting for a free call slot" : "") + ")");
        outcome.completeExceptionally(timedOut);
        if (waiting) {
            timedOutWaiting.accept(timedOut);
        }
    }

    private void stopTimers() {
        Scheduler.Cancellable attemptTimer;
        Scheduler.Cancellable turnTimer;
        synchronized (this) {
            attemptTimer = deadline;
            turnTimer = turnDeadline;
        }
        if (attemptTimer != null) {
            attemptTimer.cancel();
        }
        if (turnTimer != null) {
            turnTimer.cancel();
        }
    }
}
