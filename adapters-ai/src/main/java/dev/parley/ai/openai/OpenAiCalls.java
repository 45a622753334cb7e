package dev.parley.ai.openai;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.telemetry.TelemetryEvents;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.faulttolerance.Asynchronous;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

/**
 * The upstream call under MicroProfile Fault Tolerance: one attempt, whole or streamed, never retried
 * here (retries are the domain's {@code GuardedExecutor}'s job). Called through its CDI proxy, so that
 * the interceptors apply; {@link OpenAiReplyGenerator} is the only caller and turns the
 * fault-tolerance exceptions into the domain's codes.
 *
 * <p>Why one method for both kinds of attempt: MicroProfile Fault Tolerance keeps a breaker's and a
 * bulkhead's state per annotated method, and the provider must have one breaker and one bulkhead
 * whatever the attempts look like. So {@link #call} takes the attempt, which says whether it streams,
 * and the attempt timeout is not {@code @Timeout} (one value per method, bounding the whole stage,
 * where a stream needs the timeout until its first piece and then an idle timeout between pieces) but
 * {@link ProviderAttempt}'s own, started before the bulkhead as {@code @Timeout} was.
 *
 * <ul>
 * <li>{@code @Asynchronous} with a {@link CompletionStage}: the policies below apply to the stage's
 * completion (a stream's end), and no caller's thread waits for the provider;</li>
 * <li>{@code @Bulkhead}: at most {@code parley.ai.openai.max-concurrent-calls} upstream calls in
 * flight, {@code parley.ai.openai.max-queued-calls} more waiting; beyond that, refused at once. A
 * streamed attempt holds its slot until the stream ends;</li>
 * <li>{@code @CircuitBreaker}: one breaker for the provider, shared by every chat (the domain's
 * breakers are per chat) and by whole and streamed attempts: it opens when
 * {@code parley.ai.openai.breaker.failure-ratio} of the last {@code parley.ai.openai.breaker.request-volume}
 * calls failed (a timeout included), and stays open {@code parley.ai.openai.breaker.delay-ms}. A request
 * the provider rejects (our fault, not its) and a call the bulkhead refused are not failures of the
 * provider.</li>
 * </ul>
 *
 * <p>The annotation values are only defaults: MicroProfile Fault Tolerance reads
 * {@code dev.parley.ai.openai.OpenAiCalls/call/Bulkhead/value} and friends from MicroProfile Config,
 * and this module's {@code META-INF/microprofile-config.properties} binds each of them to the
 * documented {@code parley.*} key with a property expression.
 */
@ApplicationScoped
@Typed(OpenAiCalls.class)
public class OpenAiCalls {
    @Inject
    OpenAiConfiguration configuration;

    @Inject
    TelemetryEvents telemetry;

    /** Liberty's (mpTelemetry): a no-op unless the OpenTelemetry SDK is enabled (otel.sdk.disabled=false). */
    @Inject
    OpenTelemetry openTelemetry;

    private ChatCompletionsClient client;
    private Duration streamIdleTimeout;

    @PostConstruct
    void init() {
        OpenAiSettings settings = configuration.settings();
        Duration attemptTimeout = configuration.attemptTimeout();
        streamIdleTimeout = configuration.streamIdleTimeout();
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        client = new ChatCompletionsClient(http, settings, attemptTimeout.plusMillis(OpenAiDefaults.HTTP_GRACE_MS),
                Clock.systemUTC(), telemetry, openTelemetry);
    }

    /** One attempt; the stage fails with a {@code ParleyException} or a fault-tolerance exception. */
    @Asynchronous
    @Bulkhead(value = OpenAiDefaults.MAX_CONCURRENT_CALLS, waitingTaskQueue = OpenAiDefaults.MAX_QUEUED_CALLS)
    @CircuitBreaker(requestVolumeThreshold = OpenAiDefaults.BREAKER_REQUEST_VOLUME,
            failureRatio = OpenAiDefaults.BREAKER_FAILURE_RATIO,
            delay = OpenAiDefaults.BREAKER_DELAY_MS, delayUnit = ChronoUnit.MILLIS,
            successThreshold = 1,
            skipOn = {ProviderRejectedException.class, BulkheadException.class})
    public CompletionStage<GeneratedReply> call(ProviderAttempt attempt) {
        return attempt.run(client, streamIdleTimeout);
    }
}
