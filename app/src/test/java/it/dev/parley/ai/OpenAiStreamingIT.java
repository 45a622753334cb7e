package it.dev.parley.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static it.dev.parley.ai.ProbeCalls.completion;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import it.dev.parley.support.Poll;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streamed attempts of the OpenAI-compatible adapter through its CDI and fault-tolerance proxies, in
 * the IT Liberty server (the probe WAR of {@link OpenAiFaultToleranceIT}, deployed again with its own
 * breaker and bulkhead): the pieces reach the caller, the attempt timeout bounds the wait for the first
 * piece and {@code parley.ai.openai.stream-idle-timeout-ms} each silence after it, and whole and streamed
 * attempts share one bulkhead (a stream holding its slot until it ends) and one provider-wide breaker.
 *
 * <p>One breaker and one bulkhead serve the deployment, so the order is fixed: the breaker test runs last.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenAiStreamingIT {
    private static final String PATH = "/v1/chat/completions";
    private static final long BREAKER_DELAY_MS = 2_000;

    @RegisterExtension
    static final ProviderServer PROVIDER = new ProviderServer();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return AiArchives.probeWar("parley-ai-stream-probe.war", AiArchives.withSmallGuards(BREAKER_DELAY_MS,
                "parley.ai.openai.base-url=http://localhost:" + PROVIDER.port(),
                "parley.ai.openai.model=gpt-it",
                "parley.ai.attempt-timeout-ms=3000",
                "parley.ai.openai.stream-idle-timeout-ms=1000"));
    }

    private static String chunk(String content) {
        return "data: {\"model\":\"gpt-it-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String DONE = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static ResponseDefinitionBuilder events(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
    }

    /** Streamed attempts get {@code streamed}, whole ones {@code whole}. */
    private static void stub(ResponseDefinitionBuilder streamed, ResponseDefinitionBuilder whole) {
        PROVIDER.stubFor(post(urlEqualTo(PATH)).withHeader("Accept", equalTo("text/event-stream")).willReturn(streamed));
        PROVIDER.stubFor(post(urlEqualTo(PATH)).withHeader("Accept", equalTo("application/json")).willReturn(whole));
    }

    private JsonObject streamed() {
        return ProbeCalls.attempts(base, 1, 1).get(0);
    }

    private JsonObject whole() {
        return ProbeCalls.attempts(base, 1, 0).get(0);
    }

    private static List<String> deltas(JsonObject outcome) {
        return outcome.getJsonArray("deltas").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                .collect(Collectors.toList());
    }

    @Test
    @Order(1)
    void aStreamedAttemptReachesTheCallerPieceByPieceThroughTheGuards() {
        stub(events(chunk("Full ") + chunk("speed ") + chunk("ahead!") + DONE), completion("unused"));

        JsonObject outcome = streamed();

        assertThat(outcome.getBoolean("ok")).as(outcome.toString()).isTrue();
        assertThat(deltas(outcome)).containsExactly("Full ", "speed ", "ahead!");
        assertThat(outcome.getString("content")).isEqualTo("Full speed ahead!");
        assertThat(outcome.getString("model")).isEqualTo("gpt-it-2025");
        assertThat(outcome.getBoolean("context")).as("the caller's stage runs with the application's context").isTrue();
        PROVIDER.verify(1, postRequestedFor(urlEqualTo(PATH)).withHeader("Accept", equalTo("text/event-stream")));
    }

    @Test
    @Order(2)
    void aStreamWithoutAPieceWithinTheAttemptTimeoutIsAProviderTimeout() {
        stub(events(chunk("too late") + DONE).withFixedDelay(15_000), completion("unused"));
        long started = System.nanoTime();

        JsonObject outcome = streamed();

        assertThat(outcome.getString("code")).as(outcome.toString()).isEqualTo("AI_PROVIDER_TIMEOUT");
        assertThat(outcome.getString("message")).contains("sent no piece within the attempt timeout (3000 ms)");
        assertThat(deltas(outcome)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well before the provider's answer")
                .isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @Order(3)
    void aStreamThatFallsSilentAfterItsFirstPieceIsAProviderTimeout() {
        // three pieces of the body 2 s apart, the first with one whole event, against an idle timeout of 1 s
        stub(events(chunk("Half ") + chunk("x".repeat(300)) + DONE).withChunkedDribbleDelay(3, 6_000), completion("unused"));

        JsonObject outcome = streamed();

        assertThat(outcome.getString("code")).as(outcome.toString()).isEqualTo("AI_PROVIDER_TIMEOUT");
        assertThat(outcome.getString("message")).contains("stalled for 1000 ms");
        assertThat(deltas(outcome)).containsExactly("Half ");
    }

    @Test
    @Order(4)
    void aStreamHoldsItsBulkheadSlotUntilItEndsAndWholeAttemptsShareTheBulkhead() {
        // streams of four pieces 400 ms apart; the whole attempts start once both streams have sent a piece
        stub(events(chunk("Steady ") + chunk("as ") + chunk("she ") + chunk("goes.") + DONE).withChunkedDribbleDelay(4, 1_600),
                completion("queued, then served").withFixedDelay(100));

        List<JsonObject> outcomes = ProbeCalls.attempts(base, 4, 2);

        assertThat(outcomes.subList(0, 2)).as(outcomes.toString()).allSatisfy(stream -> {
            assertThat(stream.getBoolean("ok")).isTrue();
            assertThat(String.join("", deltas(stream))).isEqualTo("Steady as she goes.");
        });
        assertThat(outcomes.subList(2, 4)).as("two slots held by streams, one queue place: " + outcomes)
                .filteredOn(o -> !o.getBoolean("ok")).singleElement().satisfies(refused -> {
                    assertThat(refused.getString("code")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
                    assertThat(refused.getString("message")).contains("bulkhead");
                });
        assertThat(outcomes.subList(2, 4)).filteredOn(o -> o.getBoolean("ok")).singleElement()
                .satisfies(served -> assertThat(served.getString("content")).isEqualTo("queued, then served"));
        PROVIDER.verify(3, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    @Order(5)
    void wholeAndStreamedAttemptsShareTheProviderWideBreaker() {
        stub(events(chunk("healthy") + DONE), completion("healthy"));
        for (int i = 0; i < 2; i++) {
            assertThat(whole().getBoolean("ok")).as("a window of successes first").isTrue();
            assertThat(streamed().getBoolean("ok")).as("a window of successes first").isTrue();
        }
        PROVIDER.resetAll();
        stub(aResponse().withStatus(500), aResponse().withStatus(500));
        for (int i = 0; i < 2; i++) {
            assertThat(whole().getString("message")).contains("HTTP 500");
            assertThat(streamed().getString("message")).contains("HTTP 500");
        }

        JsonObject refusedWhole = whole();
        JsonObject refusedStream = streamed();

        assertThat(List.of(refusedWhole, refusedStream)).allSatisfy(refused -> {
            assertThat(refused.getString("code")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
            assertThat(refused.getString("message")).contains("circuit breaker is open");
            assertThat(refused.getJsonNumber("retryAfterMs").longValue()).isEqualTo(BREAKER_DELAY_MS);
        });
        PROVIDER.verify(4, postRequestedFor(urlEqualTo(PATH)));

        stub(events(chunk("back") + DONE), completion("back"));
        JsonObject recovered = Poll.until(Duration.ofSeconds(30), this::streamed, o -> o.getBoolean("ok"),
                "the provider-wide breaker closing after its delay");
        assertThat(deltas(recovered)).containsExactly("back");
        assertThat(whole().getBoolean("ok")).as("closed again, for whole attempts too").isTrue();
    }
}
