package it.dev.parley.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.EventStream;
import it.dev.parley.support.Poll;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole application with {@code parley.ai.provider=openai}: Arquillian deploys a copy of the
 * built WAR whose only change is a {@code microprofile-config.properties} pointing the provider at
 * a WireMock server in this JVM, and the tests use the public API. This proves the composition
 * root's choice and the adapter's wiring end to end.
 */
@ExtendWith(ArquillianExtension.class)
class OpenAiProviderIT {
    private static final String PATH = "/v1/chat/completions";
    private static final WireMockServer PROVIDER = startProvider();

    @ArquillianResource
    URL base;

    private static WireMockServer startProvider() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        return server;
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        WebArchive built = ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/parley.war"));
        return ShrinkWrap.create(WebArchive.class, "parley-openai.war").merge(built)
                .addAsResource(new StringAsset(String.join("\n",
                        "config_ordinal=200",
                        "parley.ai.provider=openai",
                        "parley.ai.openai.base-url=http://localhost:" + PROVIDER.port(),
                        "parley.ai.openai.api-key=sk-it-provider-key-0123456789",
                        "parley.ai.openai.model=gpt-it",
                        "parley.ai.attempt-timeout-ms=5000",
                        "parley.ai.openai.stream-idle-timeout-ms=1000", "")),
                        "META-INF/microprofile-config.properties");
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.stop();
    }

    @BeforeEach
    void resetProvider() {
        PROVIDER.resetAll();
    }

    @Test
    void aMessageIsAnsweredByTheOpenAiCompatibleProvider() {
        PROVIDER.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{\"model\":\"gpt-it-2025\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Aye, straight from the provider!\"}}]}")));
        Api api = new Api(base.toString());
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        Api.Reply reply = api.post("/api/chats/" + chat + "/messages", "{\"content\":\"Where are we heading?\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        assertThat(reply.json().getJsonObject("assistantMessage").getString("content"))
                .isEqualTo("Aye, straight from the provider!");
        PROVIDER.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer sk-it-provider-key-0123456789")));
        String sent = PROVIDER.getAllServeEvents().get(0).getRequest().getBodyAsString();
        try (var reader = Json.createReader(new StringReader(sent))) {
            JsonObject body = reader.readObject();
            List<JsonObject> messages = body.getJsonArray("messages").getValuesAs(JsonObject.class);
            assertThat(body.getString("model")).isEqualTo("gpt-it");
            assertThat(messages.get(0).getString("role")).isEqualTo("system");
            assertThat(messages.get(0).getString("content")).contains("Captain Mira");
            assertThat(messages.get(messages.size() - 1).getString("role")).isEqualTo("user");
            assertThat(messages.get(messages.size() - 1).getString("content")).isEqualTo("Where are we heading?");
        }
    }

    @Test
    void anUnavailableProviderIsA503ProblemWithoutItsPayload() {
        PROVIDER.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503)
                .withBody("upstream stack trace: secret-internal-host-42")));
        Api api = new Api(base.toString());
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        Api.Reply reply = api.post("/api/chats/" + chat + "/messages", "{\"content\":\"Anyone there?\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.json().getString("code")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
        assertThat(reply.body()).doesNotContain("secret-internal-host-42");
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'USER' and status = 'FAILED'", chat))
                .as("the user message stays, marked failed").isEqualTo(1);
    }

    private static String chunk(String content) {
        return "data: {\"model\":\"gpt-it-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    @Test
    void aStreamedSendWhoseProviderFallsSilentIsRetriedFromNothingAndTheClientHearsWhy() {
        String done = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        // the first streamed attempt's body comes in two halves 2 s apart (WireMock waits before each): the
        // first piece, then nothing for longer than the idle timeout (1 s); the next attempt is clean, well
        // within the IT server's 5 s deadline
        PROVIDER.stubFor(post(urlEqualTo(PATH)).inScenario("stall").whenScenarioStateIs(STARTED)
                .withHeader("Accept", matching("text/event-stream"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(chunk("Lost ") + chunk("at sea") + done).withChunkedDribbleDelay(2, 4_000))
                .willSetStateTo("stalled"));
        PROVIDER.stubFor(post(urlEqualTo(PATH)).inScenario("stall").whenScenarioStateIs("stalled")
                .withHeader("Accept", matching("text/event-stream"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(chunk("Aye, ") + chunk("back on ") + chunk("course.") + done)));
        Api api = new Api(base.toString());
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        List<String> names = new ArrayList<>();
        List<JsonObject> data = new ArrayList<>();
        try (EventStream events = EventStream.post(api, "/api/chats/" + chat + "/messages",
                "{\"content\":\"Where are we?\"}", "Idempotency-Key", "stalled-1")) {
            assertThat(events.status()).isEqualTo(200);
            while (names.isEmpty() || !List.of("completed", "failed").contains(names.get(names.size() - 1))) {
                EventStream.Item item = events.next(Duration.ofSeconds(20));
                names.add(item.name());
                data.add(item.json());
            }
        }

        int retrying = names.indexOf("retrying");
        assertThat(retrying).as(names.toString()).isPositive();
        assertThat(data.get(retrying).getString("errorCode")).isEqualTo("AI_PROVIDER_TIMEOUT");
        assertThat(data.get(retrying).getInt("attempt")).isEqualTo(1);
        assertThat(names.get(names.size() - 1)).isEqualTo("completed");
        StringBuilder second = new StringBuilder();
        for (int i = retrying + 1; i < names.size() - 1; i++) {
            assertThat(names.get(i)).isEqualTo("delta");
            assertThat(data.get(i).getInt("attempt")).isEqualTo(2);
            second.append(data.get(i).getString("text"));
        }
        JsonObject completed = data.get(data.size() - 1);
        assertThat(second.toString()).isEqualTo("Aye, back on course.");
        assertThat(completed.getJsonObject("assistantMessage").getString("content")).isEqualTo("Aye, back on course.");
        assertThat(completed.getJsonObject("retryMeta").getInt("attempts")).isEqualTo(2);
        assertThat(Db.scalar("select count(*) from token_ledger l join messages m on m.id = l.message_id"
                + " where m.chat_id = ?", chat)).as("one reply, one charge").isEqualTo(1);
        PROVIDER.verify(2, postRequestedFor(urlEqualTo(PATH)).withRequestBody(matching(".*\"stream\":true.*")));
    }
    @Test
    void aStreamStillWritingAtTheTurnsDeadlineIsCutOffThereAndGivesBackItsCallSlot() {
        // 50 pieces over 20 s: never silent for the idle timeout (0.4 s apart), four times the IT server's
        // 5 s deadline
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            body.append(chunk("on "));
        }
        body.append("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        PROVIDER.stubFor(post(urlEqualTo(PATH)).withHeader("Accept", matching("text/event-stream"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(body.toString()).withChunkedDribbleDelay(50, 20_000)));
        Api api = new Api(base.toString());
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        String last;
        JsonObject end;
        try (EventStream events = EventStream.post(api, "/api/chats/" + chat + "/messages",
                "{\"content\":\"Keep talking\"}", "Idempotency-Key", "lively-1")) {
            assertThat(events.status()).isEqualTo(200);
            EventStream.Item item;
            do {
                item = events.next(Duration.ofSeconds(30));
            } while (!List.of("completed", "failed").contains(item.name()));
            last = item.name();
            end = item.json();
        }

        assertThat(last).as("the turn ends at its deadline, not with the provider's stream").isEqualTo("failed");
        assertThat(end.getString("code")).isEqualTo("AI_PROVIDER_TIMEOUT");
        // the provider would stream for 15 s more: the call is dropped at the deadline, not at its end
        Poll.until(Duration.ofSeconds(4), this::openAiCallsInFlight, inFlight -> inFlight == 0,
                "the provider call given back");
        assertThat(Db.scalar("select count(*) from token_ledger l join messages m on m.id = l.message_id"
                + " where m.chat_id = ?", chat)).as("nothing charged").isZero();
    }

    /** {@code callsInFlight} of the readiness check of this deployment's provider (the only openai one). */
    private long openAiCallsInFlight() {
        Api server = new Api(URI.create(base.toString()).resolve("/").toString());
        Api.Reply ready = server.send(server.plainRequest("/health/ready").GET());
        return ready.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("ai-provider")
                        && c.getJsonObject("data").getString("provider").equals("openai"))
                .mapToLong(c -> c.getJsonObject("data").getJsonNumber("callsInFlight").longValue())
                .sum();
    }
}
