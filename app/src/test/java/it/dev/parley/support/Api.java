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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A small HTTP client for the deployed service: JSON in, status + headers + JSON out. Each instance is
 * one user: on its first request it signs in through the development sign-in
 * ({@code POST /api/auth/dev-login}, on in the IT server) as a fresh unique username, or as the one
 * given ({@link #as}), and sends {@code Authorization: Bearer <token>} with every request — unless the
 * request carries its own {@code Authorization} header, the instance is {@link #anonymous} (no token) or
 * was given its token ({@link #withToken}).
 */
public final class Api {
    public static final String CAPTAIN_MIRA = "00000000-0000-4000-8000-00000000a001";
    public static final String PROFESSOR_LIN = "00000000-0000-4000-8000-00000000a002";
    private static final SecureRandom RANDOM = new SecureRandom();

    // HTTP/1.1: the JDK client would otherwise upgrade to h2c, and Liberty's HTTP/2 stalls streams under many
    // concurrent requests on one connection (threads parked in H2WriteQEntry.waitWriteCompleteLatch)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    /** Who this instance signs in as; null: it sends no token. */
    private final String username;
    private volatile String token;
    private volatile String userId;

    /** A fresh user of the service at {@code base}. */
    public Api(String base) {
        this(base, freshUsername());
    }

    private Api(String base, String username) {
        this(base, username, null);
    }

    private Api(String base, String username, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.username = username;
        this.token = token;
    }

    /** A fresh user of the server the build started (system property {@code parley.it.base-url}). */
    public static Api fromSystemProperties() {
        return new Api(baseUrl());
    }

    /** The user {@code username} of the server the build started: the same username is the same user. */
    public static Api as(String username) {
        return new Api(baseUrl(), username);
    }

    /** A client of the server the build started that sends no token (public endpoints, 401 tests). */
    public static Api anonymous() {
        return new Api(baseUrl(), null);
    }

    /** A client of the server the build started that sends {@code token} as its bearer token, as it is. */
    public static Api withToken(String token) {
        return new Api(baseUrl(), null, token);
    }

    private static String baseUrl() {
        return System.getProperty("parley.it.base-url", "http://localhost:9280");
    }

    /** A username no other instance uses: {@code it-} and 16 random hex digits. */
    public static String freshUsername() {
        byte[] bits = new byte[8];
        RANDOM.nextBytes(bits);
        return "it-" + HexFormat.of().formatHex(bits);
    }

    /** This user's bearer token, signing in first if needed. */
    public String token() {
        String current = token;
        if (current == null && username == null) {
            throw new IllegalStateException("an anonymous Api has no token");
        }
        if (current == null) {
            synchronized (this) {
                if (token == null) {
                    Reply signedIn = send(plainRequest("/api/auth/dev-login").header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\"}")));
                    if (signedIn.status() != 200) {
                        throw new IllegalStateException("dev-login as " + username + " failed: " + signedIn.status()
                                + " " + signedIn.body());
                    }
                    token = signedIn.json().getString("accessToken");
                }
                current = token;
            }
        }
        return current;
    }

    /** This user's id, from {@code GET /api/me} (which provisions the user on the first call). */
    public String userId() {
        String id = userId;
        if (id == null) {
            Reply me = get("/api/me");
            if (me.status() != 200) {
                throw new IllegalStateException("GET /api/me failed: " + me.status() + " " + me.body());
            }
            id = me.json().getString("id");
            userId = id;
        }
        return id;
    }

    public String username() {
        return username;
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

    /** A request with the header pairs given and no credential. */
    public HttpRequest.Builder plainRequest(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    /**
     * A request with the header pairs given and this user's bearer token, unless the pairs hold an
     * {@code Authorization} header (sent as given) or this instance is anonymous.
     */
    public HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = plainRequest(path, headers);
        boolean own = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            own |= headers[i].equalsIgnoreCase("Authorization");
        }
        if (!own && (username != null || token != null)) {
            b.header("Authorization", "Bearer " + token());
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

    /** A single-use ticket for the chat's event stream ({@code POST /api/chats/{chatId}/events/ticket}). */
    public String eventTicket(String chatId) {
        Reply ticket = post("/api/chats/" + chatId + "/events/ticket", "");
        if (ticket.status() != 200) {
            throw new IllegalStateException("no event ticket: " + ticket.status() + " " + ticket.body());
        }
        return ticket.json().getString("ticket");
    }

    /** Waits (polling, with a deadline) until the service answers the public {@code GET /api/personas}. */
    public void awaitReady(Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < until) {
            try {
                // not recorded: before the application is deployed the server answers with its own pages
                if (send(plainRequest("/api/personas").GET(), false).status() == 200) {
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
