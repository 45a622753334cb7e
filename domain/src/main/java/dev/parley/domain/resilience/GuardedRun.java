package dev.parley.domain.resilience;

import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.CircuitOpenException;
import dev.parley.domain.breaker.Permission;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.common.Failures;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.resilience.AttemptReport.Outcome;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryDecision;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.domain.retry.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * One request of {@link GuardedExecutor}. Attempts run one after another, so the mutable fields are
 * only touched by one thread at a time; hand-offs go through the scheduler, the attempt's stage or
 * the per-attempt flag, which order them.
 */
final class GuardedRun<T> {

    private final ChatId chatId;
    private final Function<AttemptContext, ? extends CompletionStage<? extends T>> attemptFn;
    private final ChatBreakerRegistry breakers;
    private final RetryPolicy policy;
    private final RetryBudget budget;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final List<AttemptListener> listeners;
    private final CompletableFuture<GuardedResult<T>> result = new CompletableFuture<>();
    private final List<Long> backoffMs = new ArrayList<>(4);
    private final Instant start;
    private final Instant deadline;
    private int attempts;
    private ParleyException lastFailure;

    /** @param listeners told about every attempt, in this order, each shielded from the others' failures */
    GuardedRun(ChatId chatId, Function<AttemptContext, ? extends CompletionStage<? extends T>> attemptFn,
               ChatBreakerRegistry breakers, RetryPolicy policy, RetryBudget budget, Scheduler scheduler,
               InstantSource clock, RandomGenerator random, List<AttemptListener> listeners) {
        this.chatId = chatId;
        this.attemptFn = attemptFn;
        this.breakers = breakers;
        this.policy = policy;
        this.budget = budget;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = random;
        this.listeners = List.copyOf(listeners);
        this.start = clock.instant();
        this.deadline = start.plus(policy.deadline());
    }

    CompletionStage<GuardedResult<T>> result() {
        return result;
    }

    void start() {
        runAttempt();
    }

    /** State of one attempt: settled exactly once, by its outcome or by the deadline guard. */
    private final class Attempt {
        final int number = attempts;
        final Permission permission;
        final Instant startedAt = clock.instant();
        final AtomicBoolean settled = new AtomicBoolean();
        volatile Scheduler.Cancellable guard;

        Attempt(Permission permission) {
            this.permission = permission;
        }
    }

    /**
     * Ends the request before any attempt if the chat's breaker is OPEN (its remaining open time is not
     * zero), as the first attempt's refusal would: no permission is taken, so a half-open probe is never
     * used up by asking. Returns the refusal the request ended with, if it refused.
     */
    Optional<GuardedExecutionException> refuseWhileOpen() {
        Duration remaining = breakers.remainingOpenTime(chatId);
        if (remaining.isZero()) {
            return Optional.empty();
        }
        return Optional.of(refuse(new CircuitOpenException(chatId, remaining), BreakerState.Kind.OPEN));
    }

    private GuardedExecutionException refuse(CircuitOpenException open, BreakerState.Kind state) {
        report(attempts + 1, Outcome.REJECTED, ErrorCode.CIRCUIT_OPEN, Duration.ZERO, null, state);
        if (lastFailure != null) {
            open.addSuppressed(lastFailure);
        }
        return fail(ErrorCode.CIRCUIT_OPEN, open.remaining(), open, StopReason.CIRCUIT_OPEN);
    }

    private void runAttempt() {
        if (lastFailure != null && !clock.instant().isBefore(deadline)) {
            fail(lastFailure.code(), lastFailure.retryAfter().orElse(null), lastFailure, StopReason.DEADLINE_REACHED);
            return;
        }
        Permission permission;
        try {
            permission = breakers.tryAcquirePermission(chatId);
        } catch (RuntimeException e) {
            fail(ErrorCode.INTERNAL_ERROR, null, e, StopReason.NOT_RETRYABLE);
            return;
        }
        if (!permission.permitted()) {
            refuse(permission.toException(chatId), permission.state());
            return;
        }
        attempts++;
        if (attempts == 1) {
            budget.recordFirstAttempt();
        }
        Attempt attempt = new Attempt(permission);
        Duration remaining = attempt.startedAt.isBefore(deadline) ? Duration.between(attempt.startedAt, deadline) : Duration.ZERO;
        CompletionStage<? extends T> stage;
        try {
            attempt.guard = scheduler.schedule(remaining, () -> settle(attempt, null,
                    new ParleyException(ErrorCode.AI_PROVIDER_TIMEOUT, "attempt cut off at the request deadline")));
            stage = attemptFn.apply(new AttemptContext(attempt.number, remaining, permission.probe()));
        } catch (RuntimeException e) {
            settle(attempt, null, e);
            return;
        }
        if (stage == null) {
            settle(attempt, null, new NullPointerException("attempt returned no stage"));
            return;
        }
        stage.whenComplete((value, error) -> settle(attempt, value, error));
    }

    private void settle(Attempt attempt, T value, Throwable error) {
        if (!attempt.settled.compareAndSet(false, true)) {
            return;
        }
        try {
            Scheduler.Cancellable guard = attempt.guard;
            if (guard != null) {
                guard.cancel();
            }
            Instant now = clock.instant();
            Duration latency = Duration.between(attempt.startedAt, now);
            if (error == null) {
                breakers.onSuccess(chatId);
                report(attempt.number, Outcome.SUCCEEDED, null, latency, null, breakerKind());
                result.complete(new GuardedResult<>(value, meta(now)));
                return;
            }
            onFailure(attempt, classify(error), now, latency);
        } catch (RuntimeException e) {
            fail(ErrorCode.INTERNAL_ERROR, null, e, StopReason.NOT_RETRYABLE);
        }
    }

    private void onFailure(Attempt attempt, ParleyException failure, Instant now, Duration latency) {
        ErrorCode code = failure.code();
        breakers.onFailure(chatId, code);
        if (attempt.permission.probe() && !code.countsAgainstBreaker()) {
            breakers.releasePermission(chatId);
        }
        RetryDecision decision = policy.decide(attempt.number, failure, Duration.between(start, now), random);
        BreakerState state = breakers.state(chatId);
        if (decision.retry() && state instanceof BreakerState.Open) {
            report(attempt.number, Outcome.FAILED, code, latency, null, state.kind());
            CircuitOpenException open = new CircuitOpenException(chatId, breakers.remainingOpenTime(chatId));
            open.addSuppressed(failure);
            fail(ErrorCode.CIRCUIT_OPEN, open.remaining(), open, StopReason.CIRCUIT_OPEN);
            return;
        }
        if (!decision.retry()) {
            report(attempt.number, Outcome.FAILED, code, latency, null, state.kind());
            fail(code, failure.retryAfter().orElse(null), failure, decision.stopReason());
            return;
        }
        var overBudget = budget.tryRetry();
        if (overBudget.isPresent()) {
            report(attempt.number, Outcome.FAILED, code, latency, null, state.kind());
            ParleyException refused = new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE,
                    "retry budget exhausted", overBudget.get(), failure);
            fail(ErrorCode.AI_PROVIDER_UNAVAILABLE, overBudget.get(), refused, StopReason.RETRY_BUDGET_EXHAUSTED);
            return;
        }
        report(attempt.number, Outcome.FAILED, code, latency, decision.waitTime(), state.kind());
        lastFailure = failure;
        backoffMs.add(decision.waitTime().toMillis());
        scheduler.schedule(decision.waitTime(), this::runAttempt);
    }

    private static ParleyException classify(Throwable error) {
        Throwable t = Failures.unwrap(error);
        return t instanceof ParleyException parley ? parley
                : new ParleyException(ErrorCode.INTERNAL_ERROR, "attempt failed with " + t.getClass().getName(), null, t);
    }

    private GuardedExecutionException fail(ErrorCode code, Duration retryAfter, Throwable cause, StopReason reason) {
        GuardedExecutionException failure = new GuardedExecutionException(code, retryAfter, cause, meta(clock.instant()),
                reason);
        result.completeExceptionally(failure);
        return failure;
    }

    private RetryMeta meta(Instant now) {
        return new RetryMeta(attempts, backoffMs, Duration.between(start, now).toMillis(), breakerKind());
    }

    private BreakerState.Kind breakerKind() {
        return breakers.state(chatId).kind();
    }

    private void report(int number, Outcome outcome, ErrorCode code, Duration latency, Duration backoff,
                        BreakerState.Kind state) {
        AttemptReport attemptReport = new AttemptReport(chatId, number, outcome, code, latency, backoff != null,
                backoff == null ? Duration.ZERO : backoff, state);
        for (AttemptListener listener : listeners) {
            notify(listener, attemptReport);
        }
    }

    private static void notify(AttemptListener listener, AttemptReport attemptReport) {
        try {
            listener.onAttempt(attemptReport);
        } catch (RuntimeException e) {
            Thread thread = Thread.currentThread();
            thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
        }
    }
}
