package dev.parley.ai.openai;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import io.opentelemetry.context.Context;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The OpenAI-compatible provider ({@code parley.ai.provider=openai}): any endpoint that speaks
 * OpenAI's chat-completions API. One call is one attempt of {@link OpenAiCalls} (through its
 * fault-tolerance proxy); this thin bean, deliberately without fault-tolerance annotations of its
 * own, completes the caller's stage with the reply or with a
 * {@link dev.parley.domain.error.ParleyException} whatever the failure was
 * ({@link FaultToleranceFailures}).
 *
 * <p>The returned stage comes from the managed executor: the caller's context (application, naming,
 * transaction-free) is captured when a dependent stage is attached and applied when it runs, even
 * though the HTTP client completes the attempt on one of its own threads. No thread waits. Every
 * attempt's outcome goes to {@link ProviderCallStats}, which the readiness check reports.
 *
 * <p>{@code @Typed} keeps it from being a {@link ReplyGenerator} bean by itself: the composition
 * root decides which provider serves the port.
 */
@ApplicationScoped
@Typed(OpenAiReplyGenerator.class)
public class OpenAiReplyGenerator implements ReplyGenerator {
    @Inject
    OpenAiCalls calls;

    @Inject
    OpenAiConfiguration configuration;

    @Inject
    ProviderCallStats stats;

    @Resource
    ManagedExecutorService executor;

    @Override
    public CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        CompletableFuture<GeneratedReply> result = executor.newIncompleteFuture();
        CompletionStage<GeneratedReply> attempt;
        stats.started();
        try {
            attempt = calls.complete(request, Context.current()); // the attempt's span, for the HTTP client span
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((reply, error) -> {
            stats.finished(error);
            if (error == null) {
                result.complete(reply);
            } else {
                result.completeExceptionally(FaultToleranceFailures.translate(error, configuration.breakerDelay()));
            }
        });
        return result;
    }
}
