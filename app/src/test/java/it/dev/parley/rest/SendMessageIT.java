package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plain HTTP against the WAR deployed on Liberty, checked against the real PostgreSQL behind it. */
class SendMessageIT {
    private static final Api api = Api.fromSystemProperties();

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
        Db.topUp(api.userId(), 50);
    }

    @Test
    void aSentMessageGetsAPersonaReplyStoresBothMessagesAndChargesOneToken() {
        String chatId = api.newChat(Api.CAPTAIN_MIRA);
        long before = Db.balance(api.userId());

        Api.Reply reply = api.post("/api/chats/" + chatId + "/messages", "{\"content\":\"Where are we heading?\"}",
                "Idempotency-Key", "it-send-1");

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        assertThat(reply.header("X-Request-Id")).isPresent();
        JsonObject body = reply.json();
        JsonObject user = body.getJsonObject("userMessage");
        JsonObject assistant = body.getJsonObject("assistantMessage");
        assertThat(user.getString("content")).isEqualTo("Where are we heading?");
        assertThat(user.getString("status")).isEqualTo("completed");
        assertThat(assistant.getString("role")).isEqualTo("assistant");
        assertThat(assistant.getString("content")).startsWith("Captain Mira: ").contains("crewmate");
        assertThat(assistant.getString("replyTo")).isEqualTo(user.getString("id"));
        assertThat(body.getInt("tokensCharged")).isEqualTo(1);
        assertThat(body.getJsonNumber("tokenBalance").longValue()).isEqualTo(before - 1);

        List<Map<String, Object>> rows = Db.rows(
                "select role, status, content, idempotency_key from messages where chat_id = ? order by seq", chatId);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("role", "USER").containsEntry("status", "COMPLETED")
                .containsEntry("content", "Where are we heading?").containsEntry("idempotency_key", "it-send-1");
        assertThat(rows.get(1)).containsEntry("role", "ASSISTANT").containsEntry("status", "COMPLETED")
                .containsEntry("content", assistant.getString("content"));
        assertThat(Db.balance(api.userId())).isEqualTo(before - 1);
        assertThat(Db.scalar("select count(*) from token_ledger where message_id = ?", assistant.getString("id")))
                .isEqualTo(1);
        assertThat(api.get("/api/me").json().getJsonNumber("tokenBalance").longValue()).isEqualTo(before - 1);
    }

    @Test
    void theChatListShowsTheNewestActivityFirstWithAPreview() {
        String older = api.newChat(Api.PROFESSOR_LIN);
        String newer = api.newChat(Api.CAPTAIN_MIRA);
        assertThat(api.post("/api/chats/" + older + "/messages", "{\"content\":\"Explain recursion\"}").status())
                .isEqualTo(201);

        List<JsonObject> chats = api.get("/api/chats").array().stream().map(JsonValue::asJsonObject).toList();

        assertThat(chats.get(0).getString("id")).isEqualTo(older);
        assertThat(chats.get(0).getString("personaName")).isEqualTo("Professor Lin");
        assertThat(chats.get(0).getJsonObject("lastMessage").getString("role")).isEqualTo("assistant");
        assertThat(chats.get(1).getString("id")).isEqualTo(newer);
        assertThat(chats.get(1).containsKey("lastMessage")).isFalse();

        JsonObject page = api.get("/api/chats/" + older + "/messages?limit=10").json();
        assertThat(page.getJsonArray("items")).hasSize(2);
        assertThat(page.getJsonArray("items").getJsonObject(0).getString("content")).isEqualTo("Explain recursion");
    }

    @Test
    void failuresAreProblemDetailsWithLocalizedDetailAndNeverHtml() {
        Api.Reply missing = api.post("/api/chats/00000000-0000-4000-8000-00000000dead/messages",
                "{\"content\":\"hello\"}", "Accept-Language", "zh-CN,zh;q=0.9");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(missing.json().getString("type")).isEqualTo("urn:parley:problem:chat-not-found");
        assertThat(missing.json().getString("code")).isEqualTo("CHAT_NOT_FOUND");
        assertThat(missing.json().getString("detail")).isEqualTo("该对话不存在或不属于你。");
        assertThat(missing.json().getString("requestId")).isEqualTo(missing.header("X-Request-Id").orElseThrow());

        String chatId = api.newChat(Api.CAPTAIN_MIRA);
        Api.Reply blank = api.post("/api/chats/" + chatId + "/messages", "{\"content\":\"   \"}");
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().getString("code")).isEqualTo("VALIDATION_FAILED");
        assertThat(blank.json().getString("field")).isEqualTo("content");
        assertThat(blank.json().getString("detail")).isEqualTo("The field \"content\" must not be empty.");
        assertThat(Db.scalar("select count(*) from messages where chat_id = ?", chatId)).isZero();

        Api.Reply malformed = api.post("/api/chats", "{\"personaId\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().getString("code")).isEqualTo("VALIDATION_FAILED");

        Api.Reply unknownRoute = api.get("/api/no-such-thing");
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.json().getString("code")).isEqualTo("NOT_FOUND");
        assertThat(unknownRoute.body()).doesNotContain("<html");
    }
}
