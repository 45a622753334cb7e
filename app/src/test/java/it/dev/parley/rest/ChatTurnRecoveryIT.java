package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idempotent turns, the gates before generation, and concurrency, against the deployed WAR and the
 * rows in PostgreSQL.
 */
class ChatTurnRecoveryIT {
    private static final Api api = Api.fromSystemProperties();

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
    }

    private static String send(String chatId, String content) {
        return "{\"content\":" + jakarta.json.Json.createValue(content) + "}";
    }

    @Test
    void theSameKeyTwiceIsOneTurnWithOneCharge() {
        Db.topUp(api.userId(), 50);
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        long before = Db.balance(api.userId());

        Api.Reply first = api.post("/api/chats/" + chat + "/messages", send(chat, "Ahoy!"), "Idempotency-Key", "turn-1");
        Api.Reply again = api.post("/api/chats/" + chat + "/messages", send(chat, "Ahoy!"), "Idempotency-Key", "turn-1");

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json().getBoolean("replayed")).isTrue();
        assertThat(again.json().getInt("tokensCharged")).as("a replay charges nothing by this request").isZero();
        assertThat(first.json().containsKey("replayed")).isFalse();
        assertThat(first.json().getInt("tokensCharged")).isEqualTo(1);
        assertThat(again.json().getJsonObject("assistantMessage").getString("id"))
                .isEqualTo(first.json().getJsonObject("assistantMessage").getString("id"));
        assertThat(first.json().getJsonObject("retryMeta").getInt("attempts")).isEqualTo(1);
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'USER'", chat)).isEqualTo(1);
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'ASSISTANT'", chat))
                .isEqualTo(1);
        assertThat(Db.scalar("select count(*) from token_ledger l join messages m on m.id = l.message_id"
                + " where m.chat_id = ?", chat)).isEqualTo(1);
        assertThat(Db.balance(api.userId())).isEqualTo(before - 1);

        Api.Reply reused = api.post("/api/chats/" + chat + "/messages", send(chat, "Something else"),
                "Idempotency-Key", "turn-1", "Accept-Language", "zh");
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.json().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(reused.json().getString("detail")).isEqualTo("该请求标识已用于另一条消息，请作为新消息发送。");
    }

    @Test
    void blockedContentIsRefusedKeptAsFailedAndNotCharged() {
        Db.topUp(api.userId(), 10);
        String chat = api.newChat(Api.PROFESSOR_LIN);
        long before = Db.balance(api.userId());

        Api.Reply blocked = api.post("/api/chats/" + chat + "/messages", send(chat, "How do I build a bomb?"));

        assertThat(blocked.status()).isEqualTo(422);
        JsonObject problem = blocked.json();
        assertThat(problem.getString("code")).isEqualTo("MODERATION_BLOCKED");
        assertThat(problem.getBoolean("retryable")).isFalse();
        assertThat(problem.getString("chatId")).isEqualTo(chat);
        assertThat(Db.rows("select status, error_code from messages where id = ?", problem.getString("userMessageId")))
                .singleElement().satisfies(row -> assertThat(row).containsEntry("status", "FAILED")
                        .containsEntry("error_code", "MODERATION_BLOCKED"));
        assertThat(Db.balance(api.userId())).isEqualTo(before);
    }

    @Test
    void anEmptyWalletGetsInsufficientTokensBeforeAnythingIsStored() {
        String chat = api.newChat(Api.PROFESSOR_LIN);
        Db.setBalance(api.userId(), 0);
        try {
            Api.Reply poor = api.post("/api/chats/" + chat + "/messages", send(chat, "Teach me"),
                    "Idempotency-Key", "poor-1");

            assertThat(poor.status()).isEqualTo(402);
            assertThat(poor.json().getString("code")).isEqualTo("INSUFFICIENT_TOKENS");
            assertThat(poor.json().containsKey("userMessageId")).isFalse();
            assertThat(Db.scalar("select count(*) from messages where chat_id = ?", chat)).isZero();
            assertThat(Db.balance(api.userId())).isZero();
        } finally {
            Db.setBalance(api.userId(), 50);
        }
    }

    @Test
    void sixtyConcurrentSendsNeverFailWithA5xxAndChargeExactlyTheRepliesMade() throws Exception {
        Db.setBalance(api.userId(), 1000);
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            chats.add(api.newChat(i % 2 == 0 ? Api.CAPTAIN_MIRA : Api.PROFESSOR_LIN));
        }
        String shared = api.newChat(Api.CAPTAIN_MIRA);
        long before = Db.balance(api.userId());

        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<Api.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String chat = i % 3 == 0 ? shared : chats.get(i % 10);
            // every fifth request on the shared chat repeats one key: the same turn, raced
            String key = i % 15 == 0 ? "shared-turn" : "c-" + i;
            String content = key.equals("shared-turn") ? "same turn" : "message " + i;
            replies.add(pool.submit(() -> api.send(api.request("/api/chats/" + chat + "/messages",
                            "Idempotency-Key", key, "Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(send(chat, content))))));
        }
        pool.shutdown();

        long charged = 0;
        for (Future<Api.Reply> future : replies) {
            Api.Reply reply = future.get();
            assertThat(reply.status()).as(reply.body()).isIn(201, 409);
            if (reply.status() == 201) { // a replay says it charged nothing
                charged += reply.json().getInt("tokensCharged");
            }
        }
        assertThat(Db.balance(api.userId())).isEqualTo(before - charged);
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and idempotency_key = 'shared-turn'",
                shared)).isEqualTo(1);
        List<String> allChats = new ArrayList<>(chats);
        allChats.add(shared);
        long ledgerRows = Db.scalar("select count(*) from token_ledger l join messages m on m.id = l.message_id"
                + " where m.chat_id = any (?::uuid[])", (Object) allChats.toArray(String[]::new));
        assertThat(ledgerRows).isEqualTo(charged);
    }

    @Test
    void transportErrorsAreProblemsToo() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        Api.Reply wrongType = api.send(api.request("/api/chats/" + chat + "/messages", "Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.json().getString("code")).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        Api.Reply huge = api.post("/api/chats/" + chat + "/messages", send(chat, "x".repeat(70_000)));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");

        Api.Reply outsideApi = api.get("/no/such/page.html");
        assertThat(outsideApi.status()).isEqualTo(404);
        assertThat(outsideApi.header("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(outsideApi.json().getString("code")).isEqualTo("NOT_FOUND");
    }
}
