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
}
