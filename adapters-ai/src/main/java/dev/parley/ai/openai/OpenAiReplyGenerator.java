package dev.parley.ai.openai;

import dev.parley.ai.provider.ScheduledWaits;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The OpenAI-compatible provider ({@code parley.ai.provider=openai}): any endpoint that speaks
 * OpenAI's chat-completions API. One call, whole ({@link #generate}) or streamed ({@link #stream}), is
 * one attempt of {@link OpenAiCalls} (through its fault-tolerance proxy, one breaker and one bulkhead for
 * both); this thin bean, deliberately without fault-tolerance annotations of its own, completes the
 * caller's stage with the reply or with a {@link dev.parley.domain.error.ParleyException} whatever the
 * failure was ({@link ProviderAttempts}).
 *
 * <p>The returned stage comes from the managed executor: the caller's context (application, naming,
 * transaction-free) is captured when a dependent stage is attached and applied when it runs, even
 * though the HTTP client completes the attempt on one of its own threads. The attempt timeout waits on
 * the managed scheduler. No thread waits. Every attempt's outcome goes to {@link ProviderCallStats},
 * which the readiness check reports.
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

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ProviderAttempts attempts;

    @PostConstruct
    void init() {
        attempts = new ProviderAttempts(calls::call, stats, executor::newIncompleteFuture, ScheduledWaits.on(scheduler),
                configuration.attemptTimeout(), configuration.breakerDelay());
    }

    @Override
    public CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        return attempts.attempt(request, null);
    }

    @Override
    public CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas) {
        return attempts.attempt(request, Objects.requireNonNull(deltas, "deltas"));
    }
}
