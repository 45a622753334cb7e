package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.contract.Exchanges;
import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A body over 64 KiB is 413 PAYLOAD_TOO_LARGE whether it is sized or chunked (issue #13, point 9). */
class BodyLimitIT {
    private static final Api api = Api.fromSystemProperties();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
    }

    private static byte[] oversizeBody() {
        return ("{\"content\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void assertTooLarge(HttpResponse<String> response) {
        Exchanges.record(System.getProperty("parley.it.base-url", "http://localhost:9280"), response); // ContractCheck
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
    }

    @Test
    void aChunkedBodyOver64KibIs413AndStoresNothing() throws Exception {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        byte[] body = oversizeBody();

        HttpResponse<String> response = http.send(api.request("/api/chats/" + chat + "/messages",
                "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertTooLarge(response);
        assertThat(Db.scalar("select count(*) from messages where chat_id = ?", chat)).isZero();
    }

    @Test
    void aSizedBodyOver64KibIs413() throws Exception {
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        HttpResponse<String> response = http.send(api.request("/api/chats/" + chat + "/messages",
                "Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(oversizeBody())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertTooLarge(response);
    }
}
