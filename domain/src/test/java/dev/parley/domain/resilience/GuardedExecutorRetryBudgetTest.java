package dev.parley.domain.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.resilience.AttemptReport.Outcome;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.domain.retry.StopReason;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.testing.RecordingBreakerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The provider-wide retry budget as the executor applies it (the budget's own arithmetic: RetryBudgetTest). */
class GuardedExecutorRetryBudgetTest {
    private final MutableClock clock = new MutableClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    // a breaker that never opens here: the budget alone decides
    private final ChatBreakerRegistry breakers = new ChatBreakerRegistry(
            new BreakerConfig(1_000_000, Duration.ofSeconds(30), 1), clock, new RecordingBreakerListener());
    private final List<AttemptReport> reports = new ArrayList<>();
    private final List<RetryBudget.Refusal> refusals = new ArrayList<>();
    private final AtomicInteger providerCalls = new AtomicInteger();

    private GuardedExecutor executor(RetryBudget.Config config) {
        RetryBudget budget = new RetryBudget(config, clock, refusals::add);
        return new GuardedExecutor(breakers, RetryPolicy.DEFAULTS, budget, scheduler, clock, () -> {
            throw new AssertionError("no randomness expected");
        }, reports::add);
    }

    private CompletableFuture<GuardedResult<String>> outage(GuardedExecutor executor) {
        return executor.<String>execute(new ChatId(UUID.randomUUID()), ctx -> {
            providerCalls.incrementAndGet();
            return CompletableFuture.failedFuture(new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "down"));
        }).toCompletableFuture();
    }

    private static GuardedExecutionException failureOf(CompletableFuture<?> future) {
        Throwable error = future.handle((v, e) -> e).join();
        while (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        assertThat(error).isInstanceOf(GuardedExecutionException.class);
        return (GuardedExecutionException) error;
    }

    @Test
    void aRetryBeyondTheBudgetFailsAtOnceWithProviderUnavailableAndTheBudgetsWait() {
        GuardedExecutor executor = executor(new RetryBudget.Config(0, Duration.ofSeconds(10), 0.1)); // 1 retry / 10 s

        CompletableFuture<GuardedResult<String>> first = outage(executor); // its first retry is granted at 0 s
        scheduler.advanceMillis(1_000); // the retry fails too, and the next one is refused
        assertThat(failureOf(first).stopReason()).isEqualTo(StopReason.RETRY_BUDGET_EXHAUSTED);
        assertThat(failureOf(first).retryMeta().attempts()).isEqualTo(2);
        CompletableFuture<GuardedResult<String>> second = outage(executor);

        GuardedExecutionException refused = failureOf(second);
        assertThat(refused.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(refused.stopReason()).isEqualTo(StopReason.RETRY_BUDGET_EXHAUSTED);
        assertThat(refused.retryAfter()).contains(Duration.ofSeconds(9)); // the retry granted at 0 s leaves at 10 s
        assertThat(refused.retryMeta().attempts()).isEqualTo(1);
        assertThat(refused.retryMeta().backoffMs()).isEmpty();
        assertThat(reports.get(reports.size() - 1)).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.willRetry()).isFalse();
        });
        assertThat(refusals).extracting(RetryBudget.Refusal::newlyExhausted).containsExactly(true, false);
        assertThat(providerCalls).hasValue(3);
    }

    @Test
    void duringAnOutageAttemptsStayWithinFirstAttemptsTimesOnePlusRatioPlusTheReserve() {
        // 0.2 of first attempts over 10 s, 1 retry a second at least; every attempt fails
        GuardedExecutor executor = executor(new RetryBudget.Config(0.2, Duration.ofSeconds(10), 1));
        List<CompletableFuture<GuardedResult<String>>> turns = new ArrayList<>();
        int seconds = 60;
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < 20; i++) {
                turns.add(outage(executor)); // 20 turns a second, each wanting 3 retries
            }
            scheduler.advanceMillis(1_000);
        }
        scheduler.runUntilIdle();

        int firsts = turns.size();
        long refusedByBudget = turns.stream().filter(t -> failureOf(t).stopReason() == StopReason.RETRY_BUDGET_EXHAUSTED)
                .count();
        // the whole run (60 s of turns + the 7 s of their last backoffs) spans at most 7 windows of 10 s
        double bound = firsts * 1.2 + 1.0 * 10 * Math.ceil((seconds + 7) / 10.0);
        assertThat(providerCalls.get()).isGreaterThan(firsts).isLessThanOrEqualTo((int) bound);
        assertThat(refusedByBudget).isPositive();
        // without a budget the same outage would have made 4 attempts per turn
        assertThat(providerCalls.get()).isLessThan(firsts * 4 / 2);
    }

    @Test
    void aSuccessfulFirstAttemptTakesNothingFromTheBudget() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Config(0, Duration.ofSeconds(10), 0.1), clock,
                refusals::add);
        GuardedExecutor executor = new GuardedExecutor(breakers, RetryPolicy.DEFAULTS, budget, scheduler, clock,
                () -> 0L, reports::add);
        for (int i = 0; i < 5; i++) {
            executor.execute(new ChatId(UUID.randomUUID()), ctx -> CompletableFuture.completedFuture("ok"));
        }

        assertThat(budget.counts()).containsExactly(5, 0);
        assertThat(refusals).isEmpty();
    }
}
