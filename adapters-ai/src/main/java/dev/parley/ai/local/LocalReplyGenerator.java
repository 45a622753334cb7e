package dev.parley.ai.local;

import dev.parley.ai.provider.ScheduledWaits;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The built-in AI provider (the default, {@code parley.ai.provider=local}): replies come from
 * {@link LocalReplyComposer}, after an artificial latency of {@code parley.ai.local.latency-ms}
 * (default 0) that is waited on a scheduler, never by blocking the caller. A streamed attempt sends
 * the reply word by word, one piece every {@code parley.ai.local.stream-delay-ms} (default 25; 0: all
 * at once) on the same scheduler ({@link WordStream}).
 *
 * <p>{@code @Typed} keeps it from being a {@link ReplyGenerator} bean by itself: the composition root
 * decides which provider serves the port.
 */
@ApplicationScoped
@Typed(LocalReplyGenerator.class)
public class LocalReplyGenerator implements ReplyGenerator {
    private final LocalReplyComposer composer = new LocalReplyComposer();

    @Inject
    @ConfigProperty(name = "parley.ai.local.latency-ms", defaultValue = "0")
    long latencyMs;

    @Inject
    @ConfigProperty(name = WordStream.PACE_KEY, defaultValue = "25")
    String streamDelayMs;

    @Resource
    ManagedScheduledExecutorService scheduler;

    /**
     * {@code parley.ai.local.stream-delay-ms}, the pace of a streamed reply.
     *
     * @throws IllegalStateException naming the key when it is not a whole number of milliseconds, 0 or more
     */
    public Duration streamDelay() {
        return WordStream.pace(streamDelayMs);
    }

    @Override
    public CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        if (latencyMs <= 0) {
            return CompletableFuture.completedFuture(composer.compose(request));
        }
        CompletableFuture<GeneratedReply> reply = new CompletableFuture<>();
        scheduler.schedule(() -> {
            try {
                reply.complete(composer.compose(request));
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        }, latencyMs, TimeUnit.MILLISECONDS);
        return reply;
    }

    @Override
    public CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas) {
        return new WordStream(ScheduledWaits.on(scheduler), Duration.ofMillis(Math.max(0, latencyMs)), streamDelay())
                .stream(() -> composer.compose(request), deltas);
    }
}
