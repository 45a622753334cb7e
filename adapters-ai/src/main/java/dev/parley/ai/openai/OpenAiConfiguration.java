package dev.parley.ai.openai;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OpenAI-compatible adapter's settings as read from MicroProfile Config. The fault-tolerance
 * settings ({@code parley.ai.attempt-timeout-ms}, {@code parley.ai.openai.max-*-calls},
 * {@code parley.ai.openai.breaker.*}) reach {@link OpenAiCalls}' annotations through this module's
 * {@code META-INF/microprofile-config.properties}; the two read here too are needed at run time (the
 * HTTP exchange's own timeout, the retry hint of an open breaker).
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
    @ConfigProperty(name = "parley.ai.openai.breaker.delay-ms", defaultValue = "" + OpenAiDefaults.BREAKER_DELAY_MS)
    long breakerDelayMs;

    /** The endpoint settings; fails with a message naming every missing or wrong key. */
    public OpenAiSettings settings() {
        return OpenAiSettings.of(baseUrl, apiKey, model, maxHistoryChars, maxTokens);
    }

    /** {@code parley.ai.attempt-timeout-ms}. */
    public Duration attemptTimeout() {
        if (attemptTimeoutMs < 1) {
            throw new IllegalStateException("parley.ai.attempt-timeout-ms must be at least 1, not " + attemptTimeoutMs);
        }
        return Duration.ofMillis(attemptTimeoutMs);
    }

    /** {@code parley.ai.openai.breaker.delay-ms}: how long the provider-wide breaker stays open. */
    public Duration breakerDelay() {
        return Duration.ofMillis(Math.max(0, breakerDelayMs));
    }
}
