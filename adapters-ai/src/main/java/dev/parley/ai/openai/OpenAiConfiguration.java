package dev.parley.ai.openai;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OpenAI-compatible adapter's settings as read from MicroProfile Config. The fault-tolerance
 * settings ({@code parley.ai.openai.max-*-calls}, {@code parley.ai.openai.breaker.*}) reach
 * {@link OpenAiCalls}' annotations through this module's {@code META-INF/microprofile-config.properties};
 * those read here too are needed at run time (the retry hint of an open breaker, the bulkhead limits
 * readiness reports). The attempt timeout and the stream idle timeout are the adapter's own
 * ({@link ProviderAttempt}, {@link ChatCompletionsClient#stream}).
 */
@ApplicationScoped
public class OpenAiConfiguration {
    @Inject
    @ConfigProperty(name = "parley.ai.openai.base-url")
    Optional<String> baseUrl;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.api-key")
    Optional<String> apiKey;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.model")
    Optional<String> model;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.max-history-chars", defaultValue = "" + OpenAiDefaults.MAX_HISTORY_CHARS)
    int maxHistoryChars;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.max-tokens", defaultValue = "" + OpenAiDefaults.MAX_TOKENS)
    int maxTokens;

    @Inject
    @ConfigProperty(name = "parley.ai.attempt-timeout-ms", defaultValue = "" + OpenAiDefaults.ATTEMPT_TIMEOUT_MS)
    long attemptTimeoutMs;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.stream-idle-timeout-ms", defaultValue = "" + OpenAiDefaults.STREAM_IDLE_TIMEOUT_MS)
    long streamIdleTimeoutMs;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.breaker.delay-ms", defaultValue = "" + OpenAiDefaults.BREAKER_DELAY_MS)
    long breakerDelayMs;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.max-concurrent-calls", defaultValue = "" + OpenAiDefaults.MAX_CONCURRENT_CALLS)
    int maxConcurrentCalls;

    @Inject
    @ConfigProperty(name = "parley.ai.openai.max-queued-calls", defaultValue = "" + OpenAiDefaults.MAX_QUEUED_CALLS)
    int maxQueuedCalls;

    /** The endpoint settings; fails with a message naming every missing or wrong key. */
    public OpenAiSettings settings() {
        return OpenAiSettings.of(baseUrl, apiKey, model, maxHistoryChars, maxTokens);
    }

    /** {@code parley.ai.attempt-timeout-ms}: a whole attempt, and a streamed one until its first piece. */
    public Duration attemptTimeout() {
        return atLeastOneMilli("parley.ai.attempt-timeout-ms", attemptTimeoutMs);
    }

    /** {@code parley.ai.openai.stream-idle-timeout-ms}: the longest silence in a streamed attempt after its first piece. */
    public Duration streamIdleTimeout() {
        return atLeastOneMilli("parley.ai.openai.stream-idle-timeout-ms", streamIdleTimeoutMs);
    }

    /** {@code parley.ai.openai.max-concurrent-calls}: the bulkhead's concurrent calls (reported by the readiness check). */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** {@code parley.ai.openai.max-queued-calls}: the bulkhead's queue (reported by the readiness check). */
    public int maxQueuedCalls() {
        return maxQueuedCalls;
    }

    /** {@code parley.ai.openai.breaker.delay-ms}: how long the provider-wide breaker stays open. */
    public Duration breakerDelay() {
        return Duration.ofMillis(Math.max(0, breakerDelayMs));
    }

    private static Duration atLeastOneMilli(String key, long millis) {
        if (millis < 1) {
            throw new IllegalStateException(key + " must be at least 1, not " + millis);
        }
        return Duration.ofMillis(millis);
    }
}
