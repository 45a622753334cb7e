package dev.parley.ai.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.parley.ai.testing.Requests.aRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.parley.ai.testing.RecordedEvents;
import dev.parley.ai.testing.Stages;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import io.opentelemetry.context.Context;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The streamed attempt of the OpenAI-compatible adapter against an HTTP fake of the provider. */
class ChatCompletionsStreamingTest {
    private static final String MODEL = "gpt-test-mini";
    private static final String PATH = "/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension provider = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> deltas = new CopyOnWriteArrayList<>();

    private CompletionStage<GeneratedReply> stream(Duration idle) {
        OpenAiSettings settings = OpenAiSettings.of(Optional.of(provider.baseUrl() + "/"), Optional.of("sk-test"),
                Optional.of(MODEL), 12_000, 100);
        ChatCompletionsClient client = new ChatCompletionsClient(http, settings, Duration.ofSeconds(10), Clock.systemUTC(),
                new RecordedEvents());
        GenerationRequest question = aRequest().forRequest("req-s").asking("Tell me a tale");
        return client.stream(question, deltas::add, idle, Context.root());
    }

    private CompletionStage<GeneratedReply> stream() {
        return stream(Duration.ofSeconds(5));
    }

    private static String chunk(String content) {
        return "data: {\"id\":\"c\",\"model\":\"gpt-test-mini-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + content + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String DONE = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static void stub(ResponseDefinitionBuilder response) {
        provider.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private static ResponseDefinitionBuilder events(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream; charset=utf-8").withBody(body);
    }

    private static ParleyException failure(CompletionStage<GeneratedReply> stage) throws Exception {
        return Stages.failure(stage);
    }

    @Test
    void aCleanStreamArrivesPieceByPieceAndCompletesWithTheWholeReply() throws Exception {
        stub(events(": keep-alive\n\n" + chunk("Once ") + chunk("upon ") + ": ping\r\n\r\n" + chunk("a tide.") + DONE));

        GeneratedReply reply = stream().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(deltas).containsExactly("Once ", "upon ", "a tide.");
        assertThat(reply.content()).isEqualTo("Once upon a tide.");
        assertThat(reply.model()).isEqualTo("gpt-test-mini-2025");
        provider.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
    }

    @Test
    void aStreamCutAfterThreeChunksIsARetryableProviderFailure() throws Exception {
        stub(events(chunk("one ") + chunk("two ") + chunk("three ")));

        ParleyException cut = failure(stream());

        assertThat(cut.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(deltas).containsExactly("one ", "two ", "three ");
    }

    @Test
    void anErrorEventInTheStreamFailsTheAttempt() throws Exception {
        stub(events(chunk("half") + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n"));

        assertThat(failure(stream()).code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
    }

    @Test
    void aStreamThatStallsLongerThanTheIdleTimeoutIsATimeout() throws Exception {
        // two pieces of the body about 3 s apart, against an idle timeout of 300 ms
        stub(events(chunk("slow ") + chunk("and slower") + DONE).withChunkedDribbleDelay(2, 6_000));

        ParleyException stalled = failure(stream(Duration.ofMillis(300)));

        assertThat(stalled.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
    }

    @Test
    void aRateLimitBeforeTheStreamIsMappedAsForAWholeReply() throws Exception {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "2").withBody("{\"error\":{\"message\":\"slow down\"}}"));

        ParleyException limited = failure(stream());

        assertThat(limited.code()).isEqualTo(ErrorCode.AI_RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(deltas).isEmpty();
    }

    @Test
    void aProviderThatAnswersWithAWholeCompletionIsReadAsOnePiece() throws Exception {
        stub(okJson("{\"model\":\"gpt-test-mini-2025\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"All at once.\"},\"finish_reason\":\"stop\"}]}"));

        GeneratedReply reply = stream().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(reply.content()).isEqualTo("All at once.");
        assertThat(deltas).containsExactly("All at once.");
    }
}
