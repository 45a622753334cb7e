package dev.parley.ai.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.parley.ai.testing.Requests.aRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.parley.ai.testing.EndlessProvider;
import dev.parley.ai.testing.LogCapture;
import dev.parley.ai.testing.RecordedEvents;
import dev.parley.ai.testing.Stages;
import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.telemetry.TelemetryEvent;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP mapping of the OpenAI-compatible adapter against a real HTTP fake of the provider (no container). */
class ChatCompletionsClientTest {
    private static final String KEY = "sk-test-SECRET1234567890abcdefXYZ";
    private static final String MODEL = "gpt-test-mini";
    private static final String PATH = "/v1/chat/completions";
    private static final int MAX_TOKENS = 333;
    private static final int MIB = 1024 * 1024;
    private static final String SECRET_CONTENT = "my secret plans for tuesday";
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @RegisterExtension
    static WireMockExtension provider = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    private final RecordedEvents telemetry = new RecordedEvents();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ChatCompletionsClient client(Duration requestTimeout) {
        OpenAiSettings settings = OpenAiSettings.of(Optional.of(provider.baseUrl() + "/"), Optional.of(KEY),
                Optional.of(MODEL), 12_000, MAX_TOKENS);
        return new ChatCompletionsClient(http, settings, requestTimeout, Clock.fixed(NOW, ZoneOffset.UTC),
                telemetry);
    }

    private ChatCompletionsClient client() {
        return client(Duration.ofSeconds(10));
    }

    private static GenerationRequest question() {
        return aRequest().forRequest("req-7").user("Hello captain").assistant("Aye, crewmate!").asking(SECRET_CONTENT);
    }

    private static String completion(String content) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-test-mini-2025\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},"
                + "\"finish_reason\":\"stop\"}]}";
    }

    private static void stub(ResponseDefinitionBuilder response) {
        provider.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private static GeneratedReply reply(CompletionStage<GeneratedReply> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static ParleyException failure(CompletionStage<GeneratedReply> stage) throws Exception {
        return Stages.failure(stage);
    }

    @Test
    void sendsModelSystemPromptAndHistoryOldestFirstWithTheKeyAndReturnsTheReply() throws Exception {
        stub(okJson(completion("Full speed ahead!")));

        GeneratedReply reply = reply(client().complete(question()));

        assertThat(reply.content()).isEqualTo("Full speed ahead!");
        assertThat(reply.model()).isEqualTo("gpt-test-mini-2025");
        provider.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"model\":\"" + MODEL + "\",\"max_tokens\":" + MAX_TOKENS + ",\"messages\":["
                        + "{\"role\":\"system\",\"content\":\"" + question().persona().systemPrompt() + "\"},"
                        + "{\"role\":\"user\",\"content\":\"Hello captain\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Aye, crewmate!\"},"
                        + "{\"role\":\"user\",\"content\":\"" + SECRET_CONTENT + "\"}]}")));
    }

    @Test
    void withoutAKeySendsNoAuthorizationHeader() throws Exception {
        stub(okJson(completion("ok")));
        OpenAiSettings keyless = OpenAiSettings.of(Optional.of(provider.baseUrl()), Optional.empty(), Optional.of(MODEL), 100, MAX_TOKENS);
        ChatCompletionsClient client = new ChatCompletionsClient(http, keyless, Duration.ofSeconds(10), Clock.systemUTC(),
                telemetry);

        assertThat(reply(client.complete(question())).content()).isEqualTo("ok");
        provider.verify(postRequestedFor(urlEqualTo(PATH)).withoutHeader("Authorization"));
    }

    @Test
    void rateLimitedWithRetryAfterSecondsCarriesTheHint() throws Exception {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "3").withBody("{\"error\":{\"message\":\"slow down\"}}"));

        ParleyException e = failure(client().complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.AI_RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
    }

    @Test
    void rateLimitedWithRetryAfterMsPrefersTheMilliseconds() throws Exception {
        stub(aResponse().withStatus(429).withHeader("retry-after-ms", "1500").withHeader("Retry-After", "2"));

        ParleyException e = failure(client().complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.AI_RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofMillis(1500));
    }

    @Test
    void rateLimitedWithAnHttpDateWaitsUntilThatDate() throws Exception {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "Wed, 01 Jan 2025 00:00:07 GMT"));

        assertThat(failure(client().complete(question())).retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void rateLimitedWithoutAHintLeavesTheBackoffToTheDomain() throws Exception {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "soon"));

        ParleyException e = failure(client().complete(question()));
        assertThat(e.code()).isEqualTo(ErrorCode.AI_RATE_LIMITED);
        assertThat(e.retryAfter()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504})
    void serverErrorsMeanTheProviderIsUnavailable(int status) throws Exception {
        stub(aResponse().withStatus(status).withBody("<html>upstream exploded for " + SECRET_CONTENT + "</html>"));

        ParleyException e = failure(client().complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(e.code().retryable()).isTrue();
        assertThat(e.getMessage()).contains(String.valueOf(status)).doesNotContain(SECRET_CONTENT);
    }

    @Test
    void aConnectionResetMeansTheProviderIsUnavailable() throws Exception {
        stub(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        assertThat(failure(client().complete(question())).code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
    }

    @Test
    void aRefusedConnectionMeansTheProviderIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OpenAiSettings nowhere = new OpenAiSettings(URI.create("http://127.0.0.1:" + closedPort), Optional.empty(), MODEL, 100, MAX_TOKENS);
        ChatCompletionsClient client = new ChatCompletionsClient(http, nowhere, Duration.ofSeconds(10), Clock.systemUTC(),
                telemetry);

        assertThat(failure(client.complete(question())).code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
    }

    @Test
    void aReplySlowerThanTheTimeoutIsAProviderTimeout() throws Exception {
        stub(okJson(completion("too late")).withFixedDelay(5_000));

        ParleyException e = failure(client(Duration.ofMillis(300)).complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.AI_PROVIDER_TIMEOUT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"choices\": [", "not json at all", "[]", "{\"choices\":[]}", "{\"object\":\"chat.completion\"}",
            "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"   \"}}]}",
            "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null}}]}",
            "{\"choices\":[{\"finish_reason\":\"stop\"}]}"})
    void unusableAnswersAreBadResponses(String body) throws Exception {
        stub(okJson(body));

        ParleyException e = failure(client().complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
        assertThat(e.getMessage()).doesNotContain(body);
    }

    @Test
    void anEmptyBodyIsABadResponse() throws Exception {
        stub(aResponse().withStatus(200));

        assertThat(failure(client().complete(question())).code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
    }

    @Test
    void asksForAtMostTheConfiguredMaxTokens() throws Exception {
        stub(okJson(completion("short")));

        reply(client().complete(question()));

        provider.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.max_tokens", equalTo("333"))));
    }

    @Test
    void aReplyBodyAnnouncedOverOneMebibyteIsABadResponse() throws Exception {
        stub(okJson(completion("x".repeat(2 * MIB))));

        ParleyException e = failure(client().complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
        assertThat(e.getMessage()).contains("over " + MIB + " bytes");
    }

    @Test
    void aChunkedReplyBodyOverOneMebibyteIsABadResponse() throws Exception {
        stub(okJson(completion("x".repeat(2 * MIB))).withChunkedDribbleDelay(64, 200));

        assertThat(failure(client().complete(question())).code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
    }

    @Test
    void aBodyThatNeverEndsIsABadResponseAndIsNotReadToTheEnd() throws Exception {
        try (EndlessProvider endless = new EndlessProvider()) {
            OpenAiSettings settings = OpenAiSettings.of(Optional.of(endless.baseUrl()), Optional.empty(),
                    Optional.of(MODEL), 100, MAX_TOKENS);
            ChatCompletionsClient client = new ChatCompletionsClient(http, settings, Duration.ofSeconds(30),
                    Clock.systemUTC(), telemetry);

            CompletableFuture<GeneratedReply> call = client.complete(question()).toCompletableFuture();

            ParleyException e = failure(call.orTimeout(10, TimeUnit.SECONDS));
            assertThat(e.code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
            assertThat(endless.awaitStopped(10, TimeUnit.SECONDS)).as("the client closed the connection").isTrue();
            // what the provider managed to write: the limit, plus what the sockets' buffers took in
            assertThat(endless.bytesWritten()).isLessThan(64L * MIB);
        }
    }

    @Test
    void aHugeErrorBodyIsCutAndTheStatusStillDecides() throws Exception {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "4").withBody("y".repeat(2 * MIB)));

        ParleyException e = failure(client().complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.AI_RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(4));
    }

    @Test
    void aReplyLongerThanAMessageIsCutToTheMessageLimit() throws Exception {
        stub(okJson(completion("word ".repeat(200_000)))); // a million characters, still under 1 MiB of body

        String content = reply(client().complete(question())).content();

        assertThat(content.codePointCount(0, content.length())).isLessThanOrEqualTo(Message.MAX_CONTENT_LENGTH);
        assertThat(content).startsWith("word word").endsWith("word" + GeneratedReply.CUT_MARK);
    }

    @Test
    void anUnauthorizedRequestIsNotRetryableAndIsReportedOnceRedacted() throws Exception {
        stub(aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody(
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ". Ask ops@example.com or call "
                        + "+1 415 555 0100.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));

        ParleyException e = failure(client().complete(question()));

        assertThat(e).isInstanceOf(ProviderRejectedException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(e.code().retryable()).isFalse();
        assertThat(e.getMessage()).doesNotContain("Incorrect API key");
        assertThat(telemetry.named("ai_provider_rejected")).singleElement().satisfies(event -> {
            assertThat(event.level()).isEqualTo(TelemetryEvent.Level.WARNING);
            assertThat(event.requestId()).contains("req-7");
            assertThat(event.chat()).isPresent();
            assertThat(event.field("status")).contains(401);
            assertThat(event.field("detail")).get().asString()
                    .contains("Incorrect API key provided", "[email]", "[phone]")
                    .doesNotContain("ops@example.com", "555 0100", "SECRET1234567890");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404})
    void otherRejectionsAreNotRetryableEither(int status) throws Exception {
        stub(aResponse().withStatus(status).withBody("{\"error\":{\"message\":\"The model does not exist\"}}"));

        ParleyException e = failure(client().complete(question()));

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(telemetry.named("ai_provider_rejected")).hasSize(1);
    }

    @Test
    void neitherTheKeyNorTheMessagesEverReachTheLog() throws Exception {
        stub(okJson(completion("fine")));
        reply(client().complete(question()));
        stub(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"bad key " + KEY + " for '" + SECRET_CONTENT + "'\"}}"));
        failure(client().complete(question()));
        stub(aResponse().withStatus(400).withBody("{\"error\":\"" + KEY + "\"}"));
        failure(client().complete(question()));
        stub(aResponse().withStatus(500).withBody(SECRET_CONTENT));
        failure(client().complete(question()));
        stub(okJson("{\"broken\": \"" + SECRET_CONTENT));
        failure(client().complete(question()));

        assertThat(log.text() + telemetry.text()).isNotEmpty().doesNotContain(KEY).doesNotContain("SECRET1234567890")
                .doesNotContain(SECRET_CONTENT).doesNotContain("Hello captain").doesNotContain("Aye, crewmate!");
    }
}
