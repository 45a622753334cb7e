package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.EventStream;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/chats/{chatId}/events} against the deployed WAR, read with java.net.http as a
 * browser's EventSource would: a turn is announced ({@code typing}), its messages follow
 * ({@code message}), a failed turn says why; other chats hear nothing; a chat that is not the
 * caller's is a 404 problem.
 */
class ChatEventsIT {
    private static final Api api = Api.fromSystemProperties();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
        Db.topUp(api.userId(), 200);
    }

    private static Api.Reply send(String chat, String content, String... headers) {
        return api.sendMessage(chat, content, headers);
    }

    @Test
    void aTurnIsAnnouncedThenItsMessagesArrive() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        try (EventStream events = EventStream.open(api, chat)) {
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.contentType()).startsWith("text/event-stream");
            events.awaitComment("connected", WAIT);

            String requestId = "sse-" + UUID.randomUUID();
            Api.Reply reply = send(chat, "Report, helmsman!", "X-Request-Id", requestId,
                    "X-Debug-Force-Error", "unavailable; count=1");
            assertThat(reply.status()).as(reply.body()).isEqualTo(201);

            JsonObject started = events.next("typing", WAIT);
            assertThat(started.getBoolean("active")).isTrue();
            assertThat(started.getString("chatId")).isEqualTo(chat);
            assertThat(started.getString("requestId")).isEqualTo(requestId);

            JsonObject user = events.next("message", WAIT);
            assertThat(user.getString("role")).isEqualTo("user");
            assertThat(user.getString("status")).isEqualTo("completed");
            assertThat(user.getString("id")).isEqualTo(reply.json().getJsonObject("userMessage").getString("id"));
            JsonObject assistant = events.next("message", WAIT);
            assertThat(assistant.getString("role")).isEqualTo("assistant");
            assertThat(assistant.getString("replyTo")).isEqualTo(user.getString("id"));
            assertThat(assistant.getString("content")).isEqualTo(
                    reply.json().getJsonObject("assistantMessage").getString("content"));

            JsonObject ended = events.next("typing", WAIT);
            assertThat(ended.getBoolean("active")).isFalse();
            assertThat(ended.containsKey("errorCode")).isFalse();
        }
    }

    @Test
    void aFailedTurnEndsWithItsCodeAndTheFailedUserMessage() {
        String chat = api.newChat(Api.PROFESSOR_LIN);
        try (EventStream events = EventStream.open(api, chat)) {
            events.awaitComment("connected", WAIT);

            Api.Reply reply = send(chat, "Still there?", "X-Debug-Force-Error", "bad_response");
            assertThat(reply.status()).isEqualTo(502);

            assertThat(events.next("typing", WAIT).getBoolean("active")).isTrue();
            JsonObject failed = events.next("message", WAIT);
            assertThat(failed.getString("id")).isEqualTo(reply.json().getString("userMessageId"));
            assertThat(failed.getString("status")).isEqualTo("failed");
            assertThat(failed.getString("errorCode")).isEqualTo("AI_BAD_RESPONSE");
            JsonObject ended = events.next("typing", WAIT);
            assertThat(ended.getBoolean("active")).isFalse();
            assertThat(ended.getString("errorCode")).isEqualTo("AI_BAD_RESPONSE");
        }
    }

    @Test
    void eventsOfOneChatDoNotReachAnotherAndKeepAlivesFlow() {
        String quiet = api.newChat(Api.CAPTAIN_MIRA);
        String busy = api.newChat(Api.CAPTAIN_MIRA);
        try (EventStream events = EventStream.open(api, quiet)) {
            events.awaitComment("connected", WAIT);
            assertThat(send(busy, "Anyone on deck?").status()).isEqualTo(201);
            assertThat(send(quiet, "Now here.").status()).isEqualTo(201);

            // the first event on the quiet chat's stream is its own turn's, not the busy chat's
            assertThat(events.next(WAIT).json().getString("chatId")).isEqualTo(quiet);
            // the IT server sends keep-alives every second (parley.events.keep-alive-ms)
            events.awaitComment("keep-alive", WAIT);
        }
    }

    @Test
    void aChatThatIsNotTheCallersIsA404Problem() {
        Api.Reply reply = api.get("/api/chats/" + UUID.randomUUID() + "/events", "Accept", "text/event-stream",
                "Accept-Language", "zh");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(reply.json().getString("code")).isEqualTo("CHAT_NOT_FOUND");
        assertThat(reply.json().getString("detail")).matches(".*\\p{IsHan}.*");
    }

    @Test
    void aMalformedChatIdIsAValidationProblem() {
        Api.Reply reply = api.get("/api/chats/not-a-uuid/events", "Accept", "text/event-stream");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("code")).isEqualTo("VALIDATION_FAILED");
    }
}
