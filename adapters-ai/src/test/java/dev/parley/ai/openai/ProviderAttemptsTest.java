package dev.parley.ai.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.parley.ai.testing.Requests.aRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.parley.ai.testing.RecordedEvents;
import dev.parley.ai.testing.ScriptedStreamProvider;
import dev.parley.ai.testing.Stages;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole and streamed attempts of the OpenAI-compatible adapter as {@link OpenAiReplyGenerator} makes them,
 * without the container: the fault-tolerance proxy is left out (its breaker and bulkhead are
 * {@code OpenAiStreamingIT}'s), everything else runs — the attempt timeout on a manual scheduler, the
 * delta guard, the stats, the translation — against a provider faked at the HTTP boundary.
 */
class ProviderAttemptsTest {
    private static final String PATH = "/v1/chat/completions";
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration IDLE = Duration.ofMillis(400);

    @RegisterExtension
    static WireMockExtension provider = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ManualScheduler timer = new ManualScheduler(new MutableClock());
    private final ProviderCallStats stats = new ProviderCallStats();
    private final List<String> deltas = new CopyOnWriteArrayList<>();
    private final GenerationRequest question = aRequest().forRequest("req-a").asking("Tell me a tale");

    private ChatCompletionsClient client(String baseUrl) {
        OpenAiSettings settings = OpenAiSettings.of(Optional.of(baseUrl), Optional.empty(), Optional.of("gpt-test"), 12_000, 100);
        return new ChatCompletionsClient(http, settings, Duration.ofSeconds(20), Clock.systemUTC(), new RecordedEvents());
    }

    /** The attempts as the generator makes them, {@code guarded} standing in for the fault-tolerance proxy. */
    private ProviderAttempts attempts(Function<ProviderAttempt, CompletionStage<GeneratedReply>> guarded) {
        return new ProviderAttempts(guarded, stats, CompletableFuture::new, timer, ATTEMPT_TIMEOUT, Duration.ofSeconds(30));
    }

    private ProviderAttempts attempts(String baseUrl) {
        ChatCompletionsClient client = client(baseUrl);
        return attempts(attempt -> attempt.run(client, IDLE));
    }

    /** A streamed attempt against {@code scripted}, once it answers (headers written, no piece yet). */
    private CompletionStage<GeneratedReply> streamFrom(ScriptedStreamProvider scripted) throws InterruptedException {
        CompletionStage<GeneratedReply> attempt = attempts(scripted.baseUrl()).attempt(question, deltas::add);
        assertThat(scripted.awaitAnswering(10, TimeUnit.SECONDS)).as("the provider answering").isTrue();
        return attempt;
    }

    private static String chunk(String content) {
        return "data: {\"model\":\"gpt-test-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String DONE = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static GeneratedReply reply(CompletionStage<GeneratedReply> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 10 s for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aCleanStreamArrivesPieceByPieceAndCountsAsASuccess() throws Exception {
        provider.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(chunk("Once ") + chunk("upon ") + chunk("a tide.") + DONE)));

        GeneratedReply reply = reply(attempts(provider.baseUrl()).attempt(question, deltas::add));

        assertThat(deltas).containsExactly("Once ", "upon ", "a tide.");
        assertThat(reply.content()).isEqualTo("Once upon a tide.");
        assertThat(stats.snapshot().succeeded()).isEqualTo(1);
        assertThat(stats.snapshot().inFlight()).isZero();
        assertThat(timer.pendingTasks()).as("the attempt timeout is stopped").isZero();
    }

    @Test
    void aWholeAttemptTakesTheSamePath() throws Exception {
        provider.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{\"model\":\"gpt-test-2025\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"All at once.\"},\"finish_reason\":\"stop\"}]}")));

        assertThat(reply(attempts(provider.baseUrl()).attempt(question, null)).content()).isEqualTo("All at once.");
        assertThat(stats.snapshot().succeeded()).isEqualTo(1);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aWholeAttemptSlowerThanTheAttemptTimeoutFailsAsATimeout() throws Exception {
        provider.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{}").withFixedDelay(10_000)));
        CompletionStage<GeneratedReply> attempt = attempts(provider.baseUrl()).attempt(question, null);

        timer.advance(ATTEMPT_TIMEOUT);

        ParleyException timedOut = Stages.failure(attempt);
        assertThat(timedOut.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(timedOut.getMessage()).isEqualTo("the AI provider did not answer within the attempt timeout (2000 ms)");
        assertThat(stats.snapshot().failed()).isEqualTo(1);
    }

    @Test
    void aStreamWithoutAPieceWithinTheAttemptTimeoutFailsAsATimeoutAndIsDropped() throws Exception {
        try (ScriptedStreamProvider slow = new ScriptedStreamProvider()) {
            CompletionStage<GeneratedReply> attempt = streamFrom(slow);
            slow.send(": keep-alive\n\n");
            timer.advance(ATTEMPT_TIMEOUT.minusMillis(1));
            assertThat(attempt.toCompletableFuture()).as("keep-alives do not stop the attempt timeout").isNotDone();

            timer.advance(Duration.ofMillis(1));

            ParleyException timedOut = Stages.failure(attempt);
            assertThat(timedOut.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
            assertThat(timedOut.getMessage()).isEqualTo("the AI provider sent no piece within the attempt timeout (2000 ms)");
            assertThat(slow.awaitClosedByClient(10, TimeUnit.SECONDS)).as("the exchange is dropped").isTrue();
            assertThat(deltas).isEmpty();
            assertThat(stats.snapshot().failed()).isEqualTo(1);
            assertThat(stats.snapshot().inFlight()).isZero();
        }
    }

    @Test
    void theFirstPieceEndsTheAttemptTimeoutAndTheStreamMayRunLongerThanIt() throws Exception {
        try (ScriptedStreamProvider steady = new ScriptedStreamProvider()) {
            CompletionStage<GeneratedReply> attempt = streamFrom(steady);
            steady.send(chunk("Slow "));
            await(() -> deltas.size() == 1, "the first piece");

            timer.advance(ATTEMPT_TIMEOUT.multipliedBy(3));
            steady.send(chunk("and steady."));
            steady.send(DONE);

            assertThat(reply(attempt).content()).isEqualTo("Slow and steady.");
            assertThat(deltas).containsExactly("Slow ", "and steady.");
            assertThat(timer.pendingTasks()).isZero();
        }
    }

    @Test
    void afterTheFirstPieceASilenceLongerThanTheIdleTimeoutIsATimeout() throws Exception {
        try (ScriptedStreamProvider stalling = new ScriptedStreamProvider()) {
            CompletionStage<GeneratedReply> attempt = streamFrom(stalling);
            stalling.send(chunk("Then "));

            ParleyException stalled = Stages.failure(attempt);

            assertThat(stalled.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
            assertThat(stalled.getMessage()).contains("stalled for 400 ms");
            assertThat(deltas).containsExactly("Then ");
            assertThat(stalling.awaitClosedByClient(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aStreamStillWritingAtTheTurnsDeadlineIsCutOffThereDroppedAndGivesBackItsSlot() throws Exception {
        try (ScriptedStreamProvider lively = new ScriptedStreamProvider()) {
            ChatCompletionsClient client = client(lively.baseUrl());
            CompletionStage<GeneratedReply> attempt = attempts(a -> a.run(client, Duration.ofSeconds(30)))
                    .attempt(question.within(Duration.ofSeconds(7)), deltas::add);
            assertThat(lively.awaitAnswering(10, TimeUnit.SECONDS)).isTrue();
            for (int second = 0; second < 6; second++) { // a piece a second: never idle, past the attempt timeout
                lively.send(chunk("more "));
                int expected = second + 1;
                await(() -> deltas.size() == expected, "piece " + expected);
                timer.advance(Duration.ofSeconds(1));
            }
            assertThat(attempt.toCompletableFuture()).as("alive, within the turn's time").isNotDone();

            timer.advance(Duration.ofSeconds(1));

            ParleyException cut = Stages.failure(attempt);
            assertThat(cut.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
            assertThat(cut.getMessage()).isEqualTo(
                    "the attempt was cut off at the turn's deadline (7000 ms after it started, the provider still streaming)");
            assertThat(lively.awaitClosedByClient(10, TimeUnit.SECONDS)).as("the exchange is dropped").isTrue();
            assertThat(deltas).hasSize(6);
            assertThat(stats.snapshot().inFlight()).as("the call slot is given back").isZero();
            assertThat(stats.snapshot().failed()).isEqualTo(1);
            assertThat(timer.pendingTasks()).isZero();
        }
    }

    @Test
    void aWholeAttemptEndsAtTheTurnsDeadlineWhenThatComesBeforeItsOwnTimeout() throws Exception {
        provider.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{}").withFixedDelay(10_000)));
        CompletionStage<GeneratedReply> attempt = attempts(provider.baseUrl())
                .attempt(question.within(Duration.ofMillis(1500)), null);

        timer.advance(Duration.ofMillis(1500));

        ParleyException cut = Stages.failure(attempt);
        assertThat(cut.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(cut.getMessage()).isEqualTo("the attempt was cut off at the turn's deadline (1500 ms after it started)");
        assertThat(timer.pendingTasks()).as("the attempt timeout is stopped too").isZero();
    }

    @Test
    void aStreamThatEndsWithinTheTurnsTimeLeavesNoTimerBehind() throws Exception {
        provider.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(chunk("In ") + chunk("time.") + DONE)));

        GeneratedReply reply = reply(attempts(provider.baseUrl()).attempt(question.within(Duration.ofSeconds(20)),
                deltas::add));

        assertThat(reply.content()).isEqualTo("In time.");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void anAttemptWhoseTimeRunsOutWhileItWaitsForASlotIsAnsweredAtOnceAndNeverReachesTheProvider() throws Exception {
        ChatCompletionsClient client = client(provider.baseUrl());
        CompletableFuture<Void> slot = new CompletableFuture<>();
        AtomicReference<CompletionStage<GeneratedReply>> guarded = new AtomicReference<>();
        CompletionStage<GeneratedReply> attempt = attempts(a -> {
            guarded.set(slot.thenCompose(free -> a.run(client, IDLE)));
            return guarded.get();
        }).attempt(question, deltas::add);

        timer.advance(ATTEMPT_TIMEOUT);

        ParleyException timedOut = Stages.failure(attempt);
        assertThat(timedOut.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(timedOut.getMessage()).contains("all of it waiting for a free call slot");
        assertThat(stats.snapshot().inFlight()).as("it still holds its place in the queue").isEqualTo(1);

        slot.complete(null);

        assertThat(Stages.failure(guarded.get()).code()).as("what the breaker records").isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
        assertThat(stats.snapshot().inFlight()).isZero();
        assertThat(stats.snapshot().failed()).isEqualTo(1);
        provider.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void aRefusalOfTheGuardsIsTranslatedCountedAndStopsTheAttemptTimeout() throws Exception {
        CompletionStage<GeneratedReply> attempt = attempts(a -> CompletableFuture.failedFuture(new BulkheadException("full")))
                .attempt(question, deltas::add);

        ParleyException refused = Stages.failure(attempt);

        assertThat(refused.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(refused.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(stats.snapshot().refusedByBulkhead()).isEqualTo(1);
        assertThat(timer.pendingTasks()).isZero();
    }
}
