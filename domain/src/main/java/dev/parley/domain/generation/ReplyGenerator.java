package dev.parley.domain.generation;

import java.util.concurrent.CompletionStage;

/**
 * Port: the AI provider. One call is one generation attempt. A failed attempt completes
 * exceptionally with a {@link dev.parley.domain.error.ParleyException} whose code says what went
 * wrong (timeout, rate limit, bad response, unavailable); implementations never block the caller's
 * thread while waiting for the provider.
 */
public interface ReplyGenerator {
    CompletionStage<GeneratedReply> generate(GenerationRequest request);

    /**
     * One attempt, streamed: the reply's text reaches {@code deltas} in pieces as the provider writes
     * it, and the stage completes with the whole reply — what the deltas said, assembled, then cleaned
     * and cut like any {@link GeneratedReply} — or fails as {@link #generate} does. An attempt that fails
     * half-way has sent some deltas: they belong to no reply. A provider that cannot stream answers with
     * the whole reply as one delta (this default).
     */
    default CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas) {
        return generate(request).thenApply(reply -> {
            if (!reply.content().isEmpty()) {
                deltas.delta(reply.content());
            }
            return reply;
        });
    }
}
