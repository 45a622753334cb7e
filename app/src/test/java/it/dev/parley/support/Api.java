package it.dev.parley.support;

import it.dev.parley.contract.Exchanges;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A small HTTP client for the deployed service: JSON in, status + headers + JSON out. */
public final class Api {
    public static final String CAPTAIN_MIRA = "00000000-0000-4000-8000-00000000a001";
    public static final String PROFESSOR_LIN = "00000000-0000-4000-8000-00000000a002";
    public static final String DEMO_USER = "00000000-0000-4000-8000-000000000001";

    // HTTP/1.1: the JDK client would otherwise upgrade to h2c, and Liberty's HTTP/2 stalls streams under many
    // concurrent requests on one connection (threads parked in H2WriteQEntry.waitWriteCompleteLatch)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    public Api(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The API of the server the build started (system property {@code parley.it.base-url}). */
    public static Api fromSystemProperties() {
        return new Api(System.getProperty("parley.it.base-url", "http://localhost:9280"));
    }

    /** A response: status, headers, body. */
    public record Reply(int status, HttpResponse<String> raw) {
        public JsonObject json() {
            return (JsonObject) structure();
        }

        public List<JsonValue> array() {
            return structure().asJsonArray();
        }

        private JsonStructure structure() {
            try (var reader = Json.createReader(new StringReader(raw.body()))) {
                return reader.read();
            }
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        public String body() {
            return raw.body();
        }
    }

    public Reply get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    public Reply post(String path, String json, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply send(HttpRequest.Builder request) {
        return send(request, true);
    }

    /** {@code recorded}: checked against the served API document after the test (ContractCheck). */
    private Reply send(HttpRequest.Builder request, boolean recorded) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (recorded) {
                Exchanges.record(base, response);
            }
            return new Reply(response.statusCode(), response);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    /** Sends a message to a chat ({@code POST /api/chats/{chatId}/messages}) with optional header pairs. */
    public Reply sendMessage(String chatId, String content, String... headers) {
        return post("/api/chats/" + chatId + "/messages", "{\"content\":" + Json.createValue(content) + "}", headers);
    }

    /** Starts a chat with the persona and returns its id. */
    public String newChat(String personaId) {
        Reply created = post("/api/chats", "{\"personaId\":\"" + personaId + "\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("could not create a chat: " + created.status() + " " + created.body());
        }
        return created.json().getString("id");
    }

    /** Waits (polling, with a deadline) until the service answers {@code GET /api/me}. */
    public void awaitReady(Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < until) {
            try {
                // not recorded: before the application is deployed the server answers with its own pages
                if (send(request("/api/me").GET(), false).status() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // server still starting
            }
            try {
                Thread.sleep(250); // polling interval of a deadline-bounded wait, not a timing assumption
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("service not ready at " + base + " within " + deadline);
    }
}
