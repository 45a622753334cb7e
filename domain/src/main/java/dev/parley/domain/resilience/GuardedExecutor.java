package dev.parley.domain.resilience;

import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryPolicy;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs one generation request of a chat under its circuit breaker and the retry policy, without ever
 * blocking a thread: attempts are asynchronous and waits go through the injected {@link Scheduler}.
 *
 * <p>For every request:
 * <ol>
 *   <li>Before <em>every</em> attempt the chat's breaker is asked for permission; a refusal ends the
 *       request with {@link ErrorCode#CIRCUIT_OPEN} and the exact remaining open time as retry hint.</li>
 *   <li>Each attempt's outcome is recorded in the breaker (success, or a failure that counts only if
 *       its code says so; a half-open probe whose failure does not count gives its permit back).</li>
 *   <li>A failed attempt is retried as {@link RetryPolicy#decide} says. If the breaker is OPEN after
 *       recording the failure, the request stops at once with CIRCUIT_OPEN instead of waiting. A
 *       retry also needs the provider-wide {@link RetryBudget}: when it has none left the request
 *       stops at once with {@link ErrorCode#AI_PROVIDER_UNAVAILABLE} and the budget's wait as
 *       retry hint ({@link dev.parley.domain.retry.StopReason#RETRY_BUDGET_EXHAUSTED}).</li>
 *   <li>An attempt still running at the request's deadline is cut off as
 *       {@link ErrorCode#AI_PROVIDER_TIMEOUT} (counted against the breaker); its late result is ignored.</li>
 * </ol>
 *
 * <p>Failures an attempt reports other than a {@link dev.parley.domain.error.ParleyException}
 * (thrown synchronously or completing its stage exceptionally; {@code CompletionException} and
 * {@code ExecutionException} wrappers are unwrapped) are bugs, not provider trouble: they become
 * {@link ErrorCode#INTERNAL_ERROR}, are not retried and do not count against the breaker.
 *
 * <p>The returned stage completes with a {@link GuardedResult} (value and {@link
 * dev.parley.domain.retry.RetryMeta}), or exceptionally with a {@link GuardedExecutionException}
 * carrying the final code, retry hint, meta and stop reason. Every attempt (and a refusal) is reported
 * to the {@link AttemptListener}. Thread-safe; one instance serves all requests.
 */
public final class GuardedExecutor {

    private final ChatBreakerRegistry breakers;
    private final RetryPolicy policy;
    private final RetryBudget budget;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final AttemptListener listener;

    /**
     * @param random used for jitter only, possibly from several threads at once: pass a thread-safe
     *               generator (e.g. {@code java.util.Random}, or a seeded one in tests)
     */
    public GuardedExecutor(ChatBreakerRegistry breakers, RetryPolicy policy, Scheduler scheduler,
                           InstantSource clock, RandomGenerator random, AttemptListener listener) {
        this(breakers, policy, RetryBudget.unlimited(clock), scheduler, clock, random, listener);
    }

    /** With a provider-wide retry budget, shared by every request of this executor. */
    public GuardedExecutor(ChatBreakerRegistry breakers, RetryPolicy policy, RetryBudget budget, Scheduler scheduler,
                           InstantSource clock, RandomGenerator random, AttemptListener listener) {
        this.breakers = Objects.requireNonNull(breakers, "breakers");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts a guarded request for {@code chatId}; {@code attempt} is called once per attempt (first
     * attempt on the calling thread, later ones on the scheduler's) and must not block.
     */
    public <T> CompletionStage<GuardedResult<T>> execute(
            ChatId chatId, Function<AttemptContext, ? extends CompletionStage<? extends T>> attempt) {
        return execute(chatId, attempt, AttemptListener.NONE);
    }

    /**
     * Like {@link #execute(ChatId, Function)}, and also tells {@code requestListener} about this
     * request's attempts (after the executor's own listener), e.g. to correlate them with a request id.
     */
    public <T> CompletionStage<GuardedResult<T>> execute(
            ChatId chatId, Function<AttemptContext, ? extends CompletionStage<? extends T>> attempt,
            AttemptListener requestListener) {
        GuardedRun<T> run = run(chatId, attempt, requestListener);
        run.start();
        return run.result();
    }

    /**
     * The refusal {@link #execute} would answer at once because the chat's breaker is OPEN, or empty if
     * it is not: for a caller that wants to know before it starts (and so need not start at all). Like
     * {@code execute}'s refusal it is reported to the listeners (a REJECTED attempt) and carries the
     * exact remaining open time and the meta of a request that made no attempt; unlike {@code execute} it
     * never calls an attempt, and takes no half-open permit. Does no I/O and never blocks.
     */
    public Optional<GuardedExecutionException> refusalWhileOpen(ChatId chatId, AttemptListener requestListener) {
        GuardedRun<Void> run = run(chatId, context -> {
            throw new IllegalStateException("a refusal runs no attempt");
        }, requestListener);
        return run.refuseWhileOpen();
    }

    private <T> GuardedRun<T> run(ChatId chatId, Function<AttemptContext, ? extends CompletionStage<? extends T>> attempt,
            AttemptListener requestListener) {
        return new GuardedRun<>(Objects.requireNonNull(chatId, "chatId"),
                Objects.requireNonNull(attempt, "attempt"), breakers, policy, budget, scheduler, clock, random,
                List.of(listener, Objects.requireNonNull(requestListener, "requestListener")));
    }

    public RetryPolicy policy() {
        return policy;
    }

    public RetryBudget budget() {
        return budget;
    }

    public ChatBreakerRegistry breakers() {
        return breakers;
    }

    /** The scheduler the waits run on (the use cases' other background work runs there too). */
    public Scheduler scheduler() {
        return scheduler;
    }
}
