package dev.parley.domain.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerState.Closed;
import dev.parley.domain.breaker.BreakerState.Kind;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.CircuitOpenException;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.resilience.AttemptReport.Outcome;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.domain.retry.StopReason;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.testing.RecordingBreakerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class GuardedExecutorTest {

    private static final RandomGenerator NO_RANDOMNESS = () -> {
        throw new AssertionError("no randomness expected");
    };

    private final MutableClock clock = new MutableClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final RecordingBreakerListener transitions = new RecordingBreakerListener();
    private final ChatBreakerRegistry breakers = new ChatBreakerRegistry(BreakerConfig.DEFAULTS, clock, transitions);
    private final List<AttemptReport> reports = new ArrayList<>();
    private final List<AttemptContext> contexts = new ArrayList<>();
    private final ChatId chat = new ChatId(UUID.fromString("00000000-0000-0000-0000-00000000c4a7"));

    private GuardedExecutor executor = executor(RetryPolicy.DEFAULTS, NO_RANDOMNESS);

    private GuardedExecutor executor(RetryPolicy policy, RandomGenerator random) {
        return new GuardedExecutor(breakers, policy, scheduler, clock, random, reports::add);
    }

    // ---- scripted attempts -------------------------------------------------------------------

    private interface Step extends Function<AttemptContext, CompletionStage<String>> {
    }

    private static Step ok(String reply) {
        return ctx -> CompletableFuture.completedFuture(reply);
    }

    private static Step failing(ErrorCode code) {
        return ctx -> CompletableFuture.failedFuture(new ParleyException(code, "scripted"));
    }

    private static Step rateLimited(Duration hint) {
        return ctx -> CompletableFuture.failedFuture(new ParleyException(ErrorCode.AI_RATE_LIMITED, "scripted", hint));
    }

    private Step after(Duration latency, Step outcome) {
        return ctx -> {
            CompletableFuture<String> later = new CompletableFuture<>();
            scheduler.schedule(latency, () -> outcome.apply(ctx).whenComplete((v, e) -> {
                if (e != null) {
                    later.completeExceptionally(e);
                } else {
                    later.complete(v);
                }
            }));
            return later;
        };
    }

    private CompletableFuture<GuardedResult<String>> run(Step... steps) {
        return executor.execute(chat, ctx -> {
            contexts.add(ctx);
            assertThat(ctx.attempt()).as("more attempts than scripted").isLessThanOrEqualTo(steps.length);
            return steps[ctx.attempt() - 1].apply(ctx);
        }).toCompletableFuture();
    }

    private static GuardedExecutionException failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        Throwable error = future.handle((v, e) -> e).join();
        while (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        assertThat(error).isInstanceOf(GuardedExecutionException.class);
        return (GuardedExecutionException) error;
    }

    private void openTheBreaker() {
        for (int i = 0; i < 5; i++) {
            breakers.onFailure(chat, ErrorCode.AI_PROVIDER_UNAVAILABLE);
        }
    }

    // ---- success and retries -----------------------------------------------------------------

    @Test
    void succeedsAtOnceWithOneAttemptAndNothingRemembered() {
        CompletableFuture<GuardedResult<String>> result = run(ok("hello"));

        assertThat(result).isCompletedWithValue(new GuardedResult<>("hello", new RetryMeta(1, List.of(), 0, Kind.CLOSED)));
        assertThat(breakers.size()).isZero();
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.code()).isNull();
            assertThat(r.willRetry()).isFalse();
        });
    }

    @Test
    void retriesWithBackoffOf1000Then2000Then4000MsAndEndsWithTheLastCode() {
        CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_PROVIDER_UNAVAILABLE),
                failing(ErrorCode.AI_BAD_RESPONSE), failing(ErrorCode.AI_PROVIDER_UNAVAILABLE),
                failing(ErrorCode.AI_PROVIDER_TIMEOUT));
        scheduler.runUntilIdle();

        GuardedExecutionException failure = failureOf(result);
        assertThat(failure.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(failure.stopReason()).isEqualTo(StopReason.ATTEMPTS_EXHAUSTED);
        assertThat(failure.retryMeta()).isEqualTo(new RetryMeta(4, List.of(1000L, 2000L, 4000L), 7000, Kind.CLOSED));
        assertThat(failure.getCause()).isInstanceOf(ParleyException.class);
        assertThat(breakers.state(chat)).isEqualTo(new Closed(4));
    }

    @Test
    void succeedsOnTheThirdAttemptAndTheChatIsHealthyAgain() {
        CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_PROVIDER_TIMEOUT),
                failing(ErrorCode.AI_PROVIDER_TIMEOUT), ok("third time lucky"));
        scheduler.runUntilIdle();

        assertThat(result.join()).isEqualTo(new GuardedResult<>("third time lucky",
                new RetryMeta(3, List.of(1000L, 2000L), 3000, Kind.CLOSED)));
        assertThat(breakers.size()).isZero();
        assertThat(scheduler.pendingTasks()).as("deadline guards are cancelled").isZero();
    }

    @Test
    void waitsWithoutBlockingUntilTheSchedulerRunsTheRetry() {
        CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_PROVIDER_TIMEOUT), ok("later"));

        assertThat(result).isNotDone();
        assertThat(contexts).hasSize(1);
        scheduler.advanceMillis(999);
        assertThat(contexts).hasSize(1);
        scheduler.advanceMillis(1);
        assertThat(contexts).hasSize(2);
        assertThat(result).isCompleted();
    }

    @Test
    void stopsAtOnceOnANonRetryableCodeWithoutTouchingTheBreaker() {
        GuardedExecutionException failure = failureOf(run(failing(ErrorCode.INSUFFICIENT_TOKENS)));

        assertThat(failure.code()).isEqualTo(ErrorCode.INSUFFICIENT_TOKENS);
        assertThat(failure.stopReason()).isEqualTo(StopReason.NOT_RETRYABLE);
        assertThat(failure.retryMeta().attempts()).isEqualTo(1);
        assertThat(breakers.size()).isZero();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorThatIsNeitherRetriedNorCounted() {
        IllegalStateException bug = new IllegalStateException("bug in an adapter");
        GuardedExecutionException thrown = failureOf(executor.execute(chat, ctx -> {
            throw bug;
        }).toCompletableFuture());
        GuardedExecutionException wrapped = failureOf(executor.execute(chat,
                ctx -> CompletableFuture.<String>failedFuture(new CompletionException(bug))).toCompletableFuture());

        for (GuardedExecutionException failure : List.of(thrown, wrapped)) {
            assertThat(failure.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
            assertThat(failure.stopReason()).isEqualTo(StopReason.NOT_RETRYABLE);
            assertThat(failure.retryMeta().attempts()).isEqualTo(1);
            assertThat(failure).hasRootCause(bug);
        }
        assertThat(breakers.size()).isZero();
    }

    // ---- deadline ----------------------------------------------------------------------------

    @Test
    void stopsWhenTheNextWaitWouldReachTheDeadline() {
        executor = executor(new RetryPolicy(4, Duration.ofSeconds(1), 2, Duration.ofSeconds(10), 0, Duration.ofSeconds(5)),
                NO_RANDOMNESS);
        CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_PROVIDER_TIMEOUT),
                failing(ErrorCode.AI_PROVIDER_TIMEOUT), failing(ErrorCode.AI_PROVIDER_TIMEOUT));
        scheduler.runUntilIdle();

        GuardedExecutionException failure = failureOf(result);
        assertThat(failure.stopReason()).isEqualTo(StopReason.DEADLINE_REACHED);
        assertThat(failure.retryMeta()).isEqualTo(new RetryMeta(3, List.of(1000L, 2000L), 3000, Kind.CLOSED));
    }

    @Test
    void slowAttemptsUseUpTheBudgetAndTheLastIsCutOffAtTheDeadline() {
        Step slowTimeout = after(Duration.ofSeconds(8), failing(ErrorCode.AI_PROVIDER_TIMEOUT));
        CompletableFuture<GuardedResult<String>> result = run(slowTimeout, slowTimeout, slowTimeout);
        scheduler.runUntilIdle();

        GuardedExecutionException failure = failureOf(result);
        assertThat(failure.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(failure.stopReason()).isEqualTo(StopReason.DEADLINE_REACHED);
        assertThat(failure.retryMeta()).isEqualTo(new RetryMeta(3, List.of(1000L, 2000L), 25_000, Kind.CLOSED));
        assertThat(contexts).extracting(AttemptContext::remaining)
                .containsExactly(Duration.ofSeconds(25), Duration.ofSeconds(16), Duration.ofSeconds(6));
        assertThat(reports).extracting(AttemptReport::latency)
                .containsExactly(Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(6));
    }

    @Test
    void anAttemptThatNeverAnswersIsCutOffAtTheDeadlineAndItsLateAnswerIgnored() {
        CompletableFuture<String> hanging = new CompletableFuture<>();
        CompletableFuture<GuardedResult<String>> result = run(ctx -> hanging);

        scheduler.advance(Duration.ofSeconds(25).minusNanos(1));
        assertThat(result).isNotDone();
        scheduler.advance(Duration.ofNanos(1));

        GuardedExecutionException failure = failureOf(result);
        assertThat(failure.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(failure.retryMeta().totalDurationMs()).isEqualTo(25_000);
        assertThat(breakers.state(chat)).as("a timeout counts").isEqualTo(new Closed(1));

        hanging.complete("too late");
        assertThat(reports).hasSize(1);
        assertThat(breakers.state(chat)).isEqualTo(new Closed(1));
    }

    // ---- breaker -----------------------------------------------------------------------------

    @Test
    void refusesAtOnceWithTheExactRemainingTimeWhenTheBreakerIsOpen() {
        openTheBreaker();
        clock.advanceMillis(12_345);

        GuardedExecutionException failure = failureOf(run());

        assertThat(failure.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        assertThat(failure.retryAfter()).contains(Duration.ofMillis(17_655));
        assertThat(failure.getCause()).isInstanceOf(CircuitOpenException.class);
        assertThat(failure.retryMeta()).isEqualTo(new RetryMeta(0, List.of(), 0, Kind.OPEN));
        assertThat(contexts).isEmpty();
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(r.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
            assertThat(r.attempt()).isEqualTo(1);
        });
    }

    @Test
    void tellsBeforehandTheRefusalAnOpenBreakerWouldGiveAndReportsIt() {
        List<AttemptReport> ownReports = new ArrayList<>();
        assertThat(executor.refusalWhileOpen(chat, ownReports::add)).isEmpty();
        assertThat(reports).isEmpty();
        openTheBreaker();
        clock.advanceMillis(12_345);

        GuardedExecutionException refusal = executor.refusalWhileOpen(chat, ownReports::add).orElseThrow();

        assertThat(refusal.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        assertThat(refusal.retryAfter()).contains(Duration.ofMillis(17_655));
        assertThat(refusal.getCause()).isInstanceOf(CircuitOpenException.class);
        assertThat(refusal.retryMeta()).isEqualTo(new RetryMeta(0, List.of(), 0, Kind.OPEN));
        assertThat(List.of(reports, ownReports)).allSatisfy(told -> assertThat(told).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(r.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        }));
    }

    @Test
    void askingBeforehandNeverTakesTheHalfOpenProbe() {
        openTheBreaker();
        clock.advanceMillis(30_000);

        assertThat(executor.refusalWhileOpen(chat, AttemptListener.NONE)).isEmpty();

        assertThat(run(ok("probe")).join().value()).isEqualTo("probe");
        assertThat(contexts).singleElement().satisfies(ctx -> assertThat(ctx.probe()).isTrue());
        assertThat(breakers.state(chat).kind()).isEqualTo(Kind.CLOSED);
    }

    @Test
    void stopsRetryingWithCircuitOpenWhenItsOwnFailureOpensTheBreaker() {
        for (int i = 0; i < 3; i++) {
            breakers.onFailure(chat, ErrorCode.AI_PROVIDER_TIMEOUT);
        }
        CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_PROVIDER_TIMEOUT),
                after(Duration.ofMillis(250), failing(ErrorCode.AI_PROVIDER_TIMEOUT)), ok("never reached"));
        scheduler.runUntilIdle();

        GuardedExecutionException failure = failureOf(result);
        assertThat(failure.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        assertThat(failure.stopReason()).isEqualTo(StopReason.CIRCUIT_OPEN);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(failure.retryMeta()).isEqualTo(new RetryMeta(2, List.of(1000L), 1250, Kind.OPEN));
        assertThat(failure.getCause()).isInstanceOf(CircuitOpenException.class);
        assertThat(failure.getCause().getSuppressed()).singleElement()
                .satisfies(e -> assertThat(((ParleyException) e).code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT));
        assertThat(contexts).hasSize(2);
        assertThat(transitions.moves()).containsExactly("CLOSED->OPEN");
    }

    @Test
    void stopsWhenAnotherRequestOpensTheBreakerDuringTheBackoff() {
        CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_BAD_RESPONSE), ok("never reached"));
        clock.advanceMillis(400);
        openTheBreaker();
        scheduler.runUntilIdle();

        GuardedExecutionException failure = failureOf(result);
        assertThat(failure.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        assertThat(failure.retryAfter()).contains(Duration.ofMillis(29_400));
        assertThat(failure.retryMeta()).isEqualTo(new RetryMeta(1, List.of(1000L), 1000, Kind.OPEN));
        assertThat(contexts).hasSize(1);
    }

    @Test
    void aProbeWhoseFailureSaysNothingAboutTheProviderGivesItsPermitBack() {
        openTheBreaker();
        clock.advanceMillis(30_000);

        CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.DATABASE_UNAVAILABLE), ok("recovered"));
        scheduler.runUntilIdle();

        assertThat(result.join().meta()).isEqualTo(new RetryMeta(2, List.of(1000L), 1000, Kind.CLOSED));
        assertThat(contexts).extracting(AttemptContext::probe).containsExactly(true, true);
        assertThat(transitions.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        assertThat(breakers.size()).isZero();
    }

    // ---- retry-after hints and jitter --------------------------------------------------------

    @Test
    void honoursALongerRetryAfterHintThatFitsTheDeadline() {
        CompletableFuture<GuardedResult<String>> result = run(rateLimited(Duration.ofSeconds(3)), ok("after the hint"));
        scheduler.runUntilIdle();

        assertThat(result.join().meta().backoffMs()).containsExactly(3000L);
    }

    @Test
    void failsFastWithTheUpstreamHintWhenItDoesNotFitTheDeadline() {
        GuardedExecutionException failure = failureOf(run(rateLimited(Duration.ofSeconds(60))));

        assertThat(failure.code()).isEqualTo(ErrorCode.AI_RATE_LIMITED);
        assertThat(failure.stopReason()).isEqualTo(StopReason.RETRY_AFTER_BEYOND_DEADLINE);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(60));
        assertThat(failure.retryMeta().attempts()).isEqualTo(1);
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void jitteredBackoffStaysWithinBoundsAndIsReproducibleWithASeed() {
        RetryPolicy jittery = new RetryPolicy(4, Duration.ofSeconds(1), 2, Duration.ofSeconds(10), 0.5, Duration.ofSeconds(25));
        List<List<Long>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            executor = executor(jittery, new SplittableRandom(2026));
            CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_PROVIDER_TIMEOUT),
                    failing(ErrorCode.AI_PROVIDER_TIMEOUT), failing(ErrorCode.AI_PROVIDER_TIMEOUT), ok("done"));
            scheduler.runUntilIdle();
            breakers.onSuccess(chat);
            contexts.clear();
            runs.add(result.join().meta().backoffMs());
        }
        List<Long> backoffs = runs.get(0);
        assertThat(backoffs.get(0)).isBetween(500L, 1500L);
        assertThat(backoffs.get(1)).isBetween(1000L, 3000L);
        assertThat(backoffs.get(2)).isBetween(2000L, 6000L);
        assertThat(backoffs).isNotEqualTo(List.of(1000L, 2000L, 4000L));
        assertThat(runs.get(1)).isEqualTo(backoffs);
    }

    // ---- telemetry ---------------------------------------------------------------------------

    @Test
    void reportsEveryAttemptWithOutcomeLatencyBackoffAndBreakerState() {
        Duration latency = Duration.ofMillis(150);
        run(after(latency, failing(ErrorCode.AI_PROVIDER_TIMEOUT)), after(latency, failing(ErrorCode.AI_BAD_RESPONSE)),
                after(latency, ok("fine")));
        scheduler.runUntilIdle();

        assertThat(reports).containsExactly(
                new AttemptReport(chat, 1, Outcome.FAILED, ErrorCode.AI_PROVIDER_TIMEOUT, latency, true,
                        Duration.ofSeconds(1), Kind.CLOSED),
                new AttemptReport(chat, 2, Outcome.FAILED, ErrorCode.AI_BAD_RESPONSE, latency, true,
                        Duration.ofSeconds(2), Kind.CLOSED),
                new AttemptReport(chat, 3, Outcome.SUCCEEDED, null, latency, false, Duration.ZERO, Kind.CLOSED));
    }

    @Test
    void aThrowingAttemptListenerDoesNotBreakTheRequest() {
        List<Throwable> reported = new ArrayList<>();
        Thread thread = Thread.currentThread();
        Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();
        thread.setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            executor = new GuardedExecutor(breakers, RetryPolicy.DEFAULTS, scheduler, clock, NO_RANDOMNESS,
                    r -> { throw new IllegalStateException("log sink down"); });
            CompletableFuture<GuardedResult<String>> result = run(failing(ErrorCode.AI_PROVIDER_TIMEOUT), ok("fine"));
            scheduler.runUntilIdle();

            assertThat(result.join().value()).isEqualTo("fine");
            assertThat(reported).hasSize(2);
        } finally {
            thread.setUncaughtExceptionHandler(previous);
        }
    }
}
