package it.dev.parley.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static it.dev.parley.ai.ProbeCalls.completion;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import it.dev.parley.ai.probe.ProbeResource;
import it.dev.parley.support.Poll;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * MicroProfile Fault Tolerance around the OpenAI-compatible adapter, for real: a small WAR with the
 * packaged {@code adapters-ai} and {@code domain} jars and a probe resource runs in the IT Liberty
 * server and calls the provider — a WireMock server in this test JVM — through the adapter's CDI
 * and fault-tolerance proxies. Its {@code microprofile-config.properties} sets only Parley's
 * documented keys, so the tests also prove that they reach the annotations.
 *
 * <p>Why WireMock here and not inside Liberty: it stays an out-of-process HTTP server like a real
 * provider, the test controls it directly, and Liberty does not have to host (and scan) WireMock's
 * shaded Jetty. The tests run as a client ({@code testable = false}) and read each attempt's outcome
 * from the probe.
 *
 * <p>One breaker and one bulkhead serve the whole deployment, so the order is fixed: the breaker
 * test, which opens it on purpose, runs last.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenAiFaultToleranceIT {
    private static final String PATH = "/v1/chat/completions";
    private static final String KEY = "sk-it-0123456789abcdefSECRET";
    private static final long ATTEMPT_TIMEOUT_MS = 3_000;
    private static final long BREAKER_DELAY_MS = 2_000;

    @RegisterExtension
    static final ProviderServer PROVIDER = new ProviderServer();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return AiArchives.probeWar("parley-ai-probe.war", AiArchives.withSmallGuards(BREAKER_DELAY_MS,
                "parley.ai.openai.base-url=http://localhost:" + PROVIDER.port(),
                "parley.ai.openai.api-key=" + KEY,
                "parley.ai.openai.model=gpt-it",
                "parley.ai.attempt-timeout-ms=" + ATTEMPT_TIMEOUT_MS));
    }

    private static void stub(ResponseDefinitionBuilder response) {
        PROVIDER.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private List<JsonObject> attempts(int n) {
        return ProbeCalls.attempts(base, n, 0);
    }

    private JsonObject attempt() {
        return attempts(1).get(0);
    }

    @Test
    @Order(1)
    void aReplyComesBackThroughTheGuardsInTheCallersContext() {
        stub(completion("Full speed ahead!"));

        JsonObject outcome = attempt();

        assertThat(outcome.getBoolean("ok")).as(outcome.toString()).isTrue();
        assertThat(outcome.getString("content")).isEqualTo("Full speed ahead!");
        assertThat(outcome.getString("model")).isEqualTo("gpt-it-2025");
        assertThat(outcome.getBoolean("context")).as("the caller's stage runs with the application's context").isTrue();
        PROVIDER.verify(1, postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    @Order(2)
    void upstreamFailuresKeepTheirCodesAndHintsThroughTheGuards() {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "3"));
        JsonObject rateLimited = attempt();
        stub(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"Incorrect API key provided\"}}"));
        JsonObject rejected = attempt();

        assertThat(rateLimited.getString("code")).isEqualTo("AI_RATE_LIMITED");
        assertThat(rateLimited.getJsonNumber("retryAfterMs").longValue()).isEqualTo(3_000);
        assertThat(rejected.getString("code")).isEqualTo("INTERNAL_ERROR");
        assertThat(rejected.getBoolean("context")).isTrue();
    }

    @Test
    @Order(3)
    void theBulkheadRefusesCallsBeyondItsSlotsAndQueueAtOnce() {
        stub(completion("one at a time").withFixedDelay(500));

        List<JsonObject> outcomes = attempts(5);

        assertThat(outcomes).as(outcomes.toString())
                .filteredOn(o -> !o.getBoolean("ok")).hasSize(2)
                .allSatisfy(o -> {
                    assertThat(o.getString("code")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
                    assertThat(o.getString("message")).contains("bulkhead");
                    assertThat(o.getJsonNumber("retryAfterMs").longValue()).isEqualTo(1_000);
                });
        assertThat(outcomes).filteredOn(o -> o.getBoolean("ok")).hasSize(3);
        PROVIDER.verify(3, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    @Order(4)
    void aReplySlowerThanTheAttemptTimeoutIsCutByTheAttemptTimeout() {
        stub(completion("too late").withFixedDelay(15_000));
        long started = System.nanoTime();

        JsonObject outcome = attempt();

        assertThat(outcome.getString("code")).as(outcome.toString()).isEqualTo("AI_PROVIDER_TIMEOUT");
        assertThat(outcome.getString("message")).contains("did not answer within the attempt timeout (3000 ms)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well before the provider's reply")
                .isLessThan(Duration.ofSeconds(12));
    }

    @Test
    @Order(5)
    void theServerLogNeverShowsTheKeyOrTheMessages() throws IOException {
        String log = Files.readString(Path.of(System.getProperty("parley.it.server-dir"),
                "logs", "messages.log"));

        assertThat(log).contains("ai_provider_rejected").doesNotContain(KEY).doesNotContain("0123456789abcdefSECRET")
                .doesNotContain(ProbeResource.CONTENT).doesNotContain(ProbeResource.CAPTAIN.systemPrompt());
    }

    @Test
    @Order(6)
    void theProviderWideBreakerOpensAfterFailuresAnswersWithItsDelayAndClosesAgain() {
        stub(completion("healthy"));
        for (int i = 0; i < 4; i++) {
            assertThat(attempt().getBoolean("ok")).as("a window of successes first").isTrue();
        }
        PROVIDER.resetAll();
        stub(aResponse().withStatus(500));
        for (int i = 0; i < 4; i++) {
            JsonObject failed = attempt();
            assertThat(failed.getString("code")).as("attempt " + i + ": " + failed).isEqualTo("AI_PROVIDER_UNAVAILABLE");
            assertThat(failed.getString("message")).as("attempt " + i + ": " + failed).contains("HTTP 500");
        }

        JsonObject refused = attempt();

        assertThat(refused.getString("code")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
        assertThat(refused.getString("message")).contains("circuit breaker is open");
        assertThat(refused.getJsonNumber("retryAfterMs").longValue()).isEqualTo(BREAKER_DELAY_MS);
        PROVIDER.verify(4, postRequestedFor(urlEqualTo(PATH)));

        stub(completion("back in business"));
        JsonObject recovered = Poll.until(Duration.ofSeconds(30), this::attempt, o -> o.getBoolean("ok"),
                "the provider-wide breaker closing after its delay");
        assertThat(recovered.getString("content")).isEqualTo("back in business");
        assertThat(attempt().getBoolean("ok")).as("closed again").isTrue();
    }
}
