package dev.parley.ai.openai;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.resilience.Scheduler;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The caller's side of {@link OpenAiReplyGenerator}, whole and streamed attempts alike: each attempt
 * is started ({@link ProviderAttempt}, its timeout running from here), handed to {@code guarded} (the
 * fault-tolerance proxy's one method), counted in {@link ProviderCallStats}, and its outcome given to
 * the caller on a stage from {@code futures} as a reply or a {@link dev.parley.domain.error.ParleyException}
 * ({@link FaultToleranceFailures}). The caller hears of the end after the stats, when the guarded stage
 * completes; only an attempt that timed out while it waited for its slot is answered at once.
 *
 * <p>Thread-safe.
 */
final class ProviderAttempts {
    private final Function<ProviderAttempt, CompletionStage<GeneratedReply>> guarded;
    private final ProviderCallStats stats;
    private final Supplier<CompletableFuture<GeneratedReply>> futures;
    private final Scheduler timer;
    private final Duration attemptTimeout;
    private final Duration breakerDelay;

    ProviderAttempts(Function<ProviderAttempt, CompletionStage<GeneratedReply>> guarded, ProviderCallStats stats,
            Supplier<CompletableFuture<GeneratedReply>> futures, Scheduler timer, Duration attemptTimeout,
            Duration breakerDelay) {
        this.guarded = Objects.requireNonNull(guarded, "guarded");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.futures = Objects.requireNonNull(futures, "futures");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.attemptTimeout = Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        this.breakerDelay = Objects.requireNonNull(breakerDelay, "breakerDelay");
    }

    /** One attempt, streamed to {@code deltas}, or whole when they are {@code null}; traced under the current context. */
    CompletionStage<GeneratedReply> attempt(GenerationRequest request, ReplyDeltas deltas) {
        CompletableFuture<GeneratedReply> result = futures.get();
        stats.started();
        ProviderAttempt attempt = ProviderAttempt.start(request, deltas, Context.current(), attemptTimeout, timer,
                result::completeExceptionally);
        CompletionStage<GeneratedReply> stage;
        try {
            stage = guarded.apply(attempt);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((reply, error) -> {
            stats.finished(error);
            attempt.end(reply, error);
            if (error == null) {
                result.complete(reply);
            } else {
                result.completeExceptionally(FaultToleranceFailures.translate(error, breakerDelay));
            }
        });
        return result;
    }
}
