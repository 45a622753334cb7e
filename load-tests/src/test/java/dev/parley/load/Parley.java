package dev.parley.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.UUID;

/**
 * What every simulation shares: the server (system property {@code parley.url}; several instances
 * as a comma-separated list, over which Gatling spreads its virtual users round-robin, each staying
 * on one), the HTTP protocol
 * (HTTP/1.1, Gatling's default: the simulations never call {@code enableHttp2()}), signing in, a
 * chat of one's own and a turn. Figures come from Gatling's report; the simulations assert nothing
 * about time.
 */
final class Parley {
    static final String BASE_URL = System.getProperty("parley.url", "http://localhost:9080");
    static final String TOKEN = "accessToken";
    static final String CHAT = "chatId";

    private Parley() {
    }

    static HttpProtocolBuilder protocol() {
        return http.baseUrls(BASE_URL.split(","))
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("parley-load-tests");
    }

    static int intProperty(String name, int defaultValue) {
        return Integer.getInteger(name, defaultValue);
    }

    static Duration seconds(String name, int defaultSeconds) {
        return Duration.ofSeconds(intProperty(name, defaultSeconds));
    }

    /**
     * Signs in as {@code load-<prefix>-<user id>} through the development sign-in (the server must run
     * with {@code parley.auth.dev-login.enabled=true}, as {@code scripts/bench-e2e} starts it) and keeps
     * the access token in the session: every virtual user is a user of its own.
     */
    static ChainBuilder signIn(String prefix) {
        return exec(http("sign in").post("/api/auth/dev-login")
                .body(StringBody(session -> "{\"username\":\"load-" + prefix + "-" + session.userId() + "\"}"))
                .check(status().is(200), jsonPath("$.accessToken").saveAs(TOKEN)));
    }

    /** The request with {@code Authorization: Bearer <token>} of the signed-in user. */
    static HttpRequestActionBuilder authorized(HttpRequestActionBuilder request) {
        return request.header("Authorization", "Bearer #{" + TOKEN + "}");
    }

    /** Picks the first persona (a public endpoint) and starts a chat with it: {@link #CHAT}. */
    static ChainBuilder newChat() {
        return exec(http("personas").get("/api/personas").check(status().is(200), jsonPath("$[0].id").saveAs("personaId")))
                .exec(authorized(http("start chat").post("/api/chats")
                        .body(StringBody("{\"personaId\":\"#{personaId}\",\"title\":\"load\"}"))
                        .check(status().is(201), jsonPath("$.id").saveAs(CHAT))));
    }

    /** Signs in, starts a chat of one's own, and ends the user here if either failed. */
    static ChainBuilder signedInWithChat(String prefix) {
        return signIn(prefix).exec(newChat()).exitHereIfFailed();
    }

    /** One turn: a message with a fresh Idempotency-Key, answered with 201 and the reply. */
    static HttpRequestActionBuilder send(String name) {
        return authorized(http(name).post("/api/chats/#{" + CHAT + "}/messages")
                .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                .body(StringBody(session -> "{\"content\":\"hello from load test turn " + session.getInt("turn") + "\"}")));
    }

    /** What the checks of a failed send keep: the problem's code, for the report's error list. */
    static io.gatling.javaapi.core.CheckBuilder.Final problemCode() {
        return jsonPath("$.code").optional().saveAs("problemCode");
    }

    static io.gatling.javaapi.core.CheckBuilder.Final retryAfter() {
        return header("Retry-After").optional().saveAs("retryAfter");
    }
}
