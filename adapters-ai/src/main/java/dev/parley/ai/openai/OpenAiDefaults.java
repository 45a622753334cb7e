package dev.parley.ai.openai;

/**
 * The defaults of the OpenAI-compatible adapter's settings, in one place: the fault-tolerance
 * annotations of {@link OpenAiCalls}, the {@code ${key:default}} expressions in this module's
 * {@code META-INF/microprofile-config.properties} and {@link OpenAiConfiguration} all use them (a
 * test keeps the properties file in step).
 */
public final class OpenAiDefaults {
    /** {@code parley.ai.attempt-timeout-ms}: a whole attempt's timeout, and a streamed one's until its first piece. */
    public static final long ATTEMPT_TIMEOUT_MS = 10_000;
    /**
     * {@code parley.ai.openai.stream-idle-timeout-ms}: the longest silence between two pieces of a streamed
     * attempt once its first piece has arrived (until then the attempt timeout bounds it).
     */
    public static final long STREAM_IDLE_TIMEOUT_MS = 5_000;
    /** {@code parley.ai.openai.max-history-chars}: characters of chat history sent with a request. */
    public static final int MAX_HISTORY_CHARS = 12_000;
    /** {@code parley.ai.openai.max-tokens}: the most tokens the provider may write for one reply ({@code max_tokens}). */
    public static final int MAX_TOKENS = 1024;
    /**
     * The largest response body the adapter reads from the provider, in bytes (1 MiB; not a setting):
     * a larger 2xx answer is {@code AI_BAD_RESPONSE}, a larger error body is cut.
     */
    public static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** {@code parley.ai.openai.max-concurrent-calls}: upstream calls in flight at once. */
    public static final int MAX_CONCURRENT_CALLS = 20;
    /** {@code parley.ai.openai.max-queued-calls}: calls waiting for a free slot before being refused. */
    public static final int MAX_QUEUED_CALLS = 20;
    /** {@code parley.ai.openai.breaker.request-volume}: the rolling window of the provider-wide breaker. */
    public static final int BREAKER_REQUEST_VOLUME = 20;
    /** {@code parley.ai.openai.breaker.failure-ratio}: failed share of the window that opens it. */
    public static final double BREAKER_FAILURE_RATIO = 0.5;
    /** {@code parley.ai.openai.breaker.delay-ms}: how long it stays open. */
    public static final long BREAKER_DELAY_MS = 30_000;
    /**
     * How much longer than the attempt timeout the HTTP exchange (a stream: until its headers) may last:
     * the attempt timeout answers the caller and drops the exchange, this one is only a backstop.
     */
    public static final long HTTP_GRACE_MS = 5_000;

    private OpenAiDefaults() {
    }
}
