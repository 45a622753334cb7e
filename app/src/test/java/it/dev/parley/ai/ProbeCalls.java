package it.dev.parley.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The AI adapter's ITs as clients: what the provider ({@link ProviderServer}) answers, and the probe WAR's
 * resource ({@link it.dev.parley.ai.probe.ProbeResource}) that makes attempts in the server.
 */
final class ProbeCalls {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ProbeCalls() {
    }

    /** A whole completion answering {@code content}. */
    static ResponseDefinitionBuilder completion(String content) {
        return okJson("{\"model\":\"gpt-it-2025\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + content + "\"}}]}");
    }

    /** Starts {@code n} attempts at once in the server, the first {@code streamed} of them streamed, and returns their outcomes. */
    static List<JsonObject> attempts(URL base, int n, int streamed) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create(base + "probe/generate?n=" + n + "&streamed=" + streamed))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            try (var reader = Json.createReader(new StringReader(response.body()))) {
                return reader.readArray().getValuesAs(JsonObject.class);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
