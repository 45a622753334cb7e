package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.EventStream;
import it.dev.parley.support.Poll;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streamed sends ({@code POST /api/chats/{chatId}/messages} with {@code Accept: text/event-stream})
 * read with the JDK's HTTP client as they arrive, against the IT server (local provider, which streams
 * word by word; debug faults on, a 100 ms backoff base, a 5 s deadline), checked in the events, the
 * database and the balance.
 */
class StreamedRepliesIT {
    private static final Api api = Api.fromSystemProperties();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
        Db.topUp(api.userId(), 200);
    }

    private static String body(String content) {
        return "{\"content\":" + Json.createValue(content) + "}";
    }

    private static EventStream stream(String chat, String content, String... headers) {
        EventStream events = EventStream.post(api, "/api/chats/" + chat + "/messages", body(content), headers);
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.contentType()).startsWith("text/event-stream");
        return events;
    }

    /** What a stream said, up to its last event: the events' names and the text of each attempt. */
    private record Heard(List<String> names, List<JsonObject> data) {
        String text(int attempt) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals("delta") && data.get(i).getInt("attempt") == attempt) {
                    text.append(data.get(i).getString("text"));
                }
            }
            return text.toString();
        }

        JsonObject last() {
            return data.get(data.size() - 1);
        }

        long count(String name) {
            return names.stream().filter(name::equals).count();
        }
    }

    private static Heard readToTheEnd(EventStream events) {
        List<String> names = new ArrayList<>();
        List<JsonObject> data = new ArrayList<>();
        while (names.isEmpty() || !List.of("completed", "failed").contains(names.get(names.size() - 1))) {
            EventStream.Item item = events.next(WAIT);
            names.add(item.name());
            data.add(item.json());
        }
        assertThat(events.awaitEnd(WAIT)).as("the server ends the stream after its last event").isTrue();
        return new Heard(names, data);
    }

    private static long charges(String chat) {
        return Db.scalar("select count(*) from token_ledger l join messages m on m.id = l.message_id"
                + " where m.chat_id = ?", chat);
    }

    @Test
    void aCleanStreamIsAcceptedThenFilledPieceByPieceThenCompletedWithTheStoredReply() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        long before = Db.balance(api.userId());

        Heard heard;
        try (EventStream events = stream(chat, "Storm ahead?", "Idempotency-Key", "streamed-1")) {
            heard = readToTheEnd(events);
        }

        assertThat(heard.names().get(0)).isEqualTo("accepted");
        assertThat(heard.data().get(0).getString("content")).isEqualTo("Storm ahead?");
        assertThat(heard.data().get(0).getString("status")).isEqualTo("pending");
        assertThat(heard.count("delta")).as("word by word").isGreaterThan(3);
        assertThat(heard.count("retrying")).isZero();
        assertThat(heard.names().get(heard.names().size() - 1)).isEqualTo("completed");
        JsonObject completed = heard.last();
        String reply = completed.getJsonObject("assistantMessage").getString("content");
        assertThat(heard.text(1)).as("the pieces make the stored reply").isEqualTo(reply);
        assertThat(completed.getInt("tokensCharged")).isEqualTo(1);
        assertThat(completed.getJsonObject("userMessage").getString("id")).isEqualTo(heard.data().get(0).getString("id"));
        assertThat(completed.getJsonObject("retryMeta").getInt("attempts")).isEqualTo(1);
        assertThat(Db.rows("select content from messages where chat_id = ? and role = 'ASSISTANT'", chat))
                .singleElement().satisfies(row -> assertThat(row.get("content")).isEqualTo(reply));
        assertThat(charges(chat)).isEqualTo(1);
        assertThat(Db.balance(api.userId())).isEqualTo(before - 1);
    }

    @Test
    void aChineseReplyStreamsACharacterAtATime() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        Heard heard;
        try (EventStream events = stream(chat, "风暴要来了吗？", "Accept-Language", "zh")) {
            heard = readToTheEnd(events);
        }

        assertThat(heard.names().get(heard.names().size() - 1)).isEqualTo("completed");
        String reply = heard.last().getJsonObject("assistantMessage").getString("content");
        assertThat(reply).containsPattern("\\p{IsHan}");
        assertThat(heard.text(1)).as("the pieces make the stored reply").isEqualTo(reply);
        assertThat(heard.count("delta")).as("no spaces, yet not one piece: a character at a time")
                .isGreaterThan(reply.codePoints().filter(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
                        .count() / 2);
    }

    @Test
    void aStreamCutAfterThreePiecesIsRetriedFromNothingAndChargedOnce() {
        String chat = api.newChat(Api.PROFESSOR_LIN);
        long before = Db.balance(api.userId());

        Heard heard;
        try (EventStream events = stream(chat, "Explain monads", "Idempotency-Key", "cut-1",
                "X-Debug-Force-Error", "stream_cut; after=3; count=1")) {
            heard = readToTheEnd(events);
        }

        int retrying = heard.names().indexOf("retrying");
        assertThat(heard.names().subList(0, retrying)).containsExactly("accepted", "delta", "delta", "delta");
        JsonObject retry = heard.data().get(retrying);
        assertThat(retry.getInt("attempt")).isEqualTo(1);
        assertThat(retry.getString("errorCode")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
        assertThat(retry.getJsonNumber("backoffMs").longValue()).isPositive();
        assertThat(heard.names().subList(retrying + 1, heard.names().size())).containsOnly("delta", "completed");
        assertThat(heard.data().subList(retrying + 1, heard.names().size() - 1))
                .allSatisfy(delta -> assertThat(delta.getInt("attempt")).isEqualTo(2));
        String reply = heard.last().getJsonObject("assistantMessage").getString("content");
        assertThat(heard.text(2)).as("the second attempt's pieces alone make the reply").isEqualTo(reply);
        assertThat(reply).as("the cut attempt's text began the same reply").startsWith(heard.text(1));
        assertThat(heard.last().getJsonObject("retryMeta").getInt("attempts")).isEqualTo(2);
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'ASSISTANT'", chat))
                .isEqualTo(1);
        assertThat(charges(chat)).as("one reply, one charge").isEqualTo(1);
        assertThat(Db.balance(api.userId())).isEqualTo(before - 1);
    }

    @Test
    void aTurnWhoseEveryAttemptFailsEndsWithTheProblemAndChargesNothing() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        long before = Db.balance(api.userId());

        Heard heard;
        try (EventStream events = stream(chat, "Anyone there?", "X-Debug-Force-Error", "unavailable",
                "Accept-Language", "zh")) {
            heard = readToTheEnd(events);
        }

        assertThat(heard.names()).startsWith("accepted").endsWith("failed");
        assertThat(heard.count("retrying")).isPositive();
        JsonObject problem = heard.last();
        assertThat(problem.getString("code")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
        assertThat(problem.getInt("status")).isEqualTo(503);
        assertThat(problem.getString("userMessageId")).isEqualTo(heard.data().get(0).getString("id"));
        assertThat(problem.getString("detail")).as("localized").containsPattern("\\p{IsHan}");
        assertThat(problem.containsKey("retryAfterSeconds")).isTrue();
        assertThat(Db.rows("select status, error_code from messages where id = ?", problem.getString("userMessageId")))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("status")).isEqualTo("FAILED");
                    assertThat(row.get("error_code")).isEqualTo("AI_PROVIDER_UNAVAILABLE");
                });
        assertThat(charges(chat)).isZero();
        assertThat(Db.balance(api.userId())).isEqualTo(before);
    }

    @Test
    void aClientThatHangsUpMidStreamDoesNotStopTheTurnWhichIsStoredChargedOnceAndReplayed() {
        String chat = api.newChat(Api.PROFESSOR_LIN);
        long before = Db.balance(api.userId());

        try (EventStream events = stream(chat, "Tell me a long story", "Idempotency-Key", "hang-up-1")) {
            assertThat(events.next("accepted", WAIT).getString("status")).isEqualTo("pending");
            assertThat(events.next("delta", WAIT).getInt("attempt")).isEqualTo(1);
        } // hangs up after the first piece

        Poll.until(WAIT, () -> Db.scalar("select count(*) from messages where chat_id = ? and role = 'ASSISTANT'", chat),
                n -> n == 1, "the reply stored after the client left");
        assertThat(charges(chat)).isEqualTo(1);
        assertThat(Db.balance(api.userId())).isEqualTo(before - 1);

        Api.Reply replayed = api.sendMessage(chat, "Tell me a long story", "Idempotency-Key", "hang-up-1");
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.json().getBoolean("replayed")).isTrue();
        Heard again;
        try (EventStream events = stream(chat, "Tell me a long story", "Idempotency-Key", "hang-up-1")) {
            again = readToTheEnd(events);
        }
        assertThat(again.names()).containsExactly("accepted", "completed");
        assertThat(again.data().get(0).getString("status")).isEqualTo("completed");
        assertThat(again.last().getBoolean("replayed")).isTrue();
        assertThat(again.last().getJsonObject("assistantMessage").getString("content"))
                .isEqualTo(replayed.json().getJsonObject("assistantMessage").getString("content"));
        assertThat(charges(chat)).as("replays charge nothing").isEqualTo(1);
    }

    @Test
    void aClientThatDoesNotNameTheEventStreamGetsTheJsonAnswer() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        Api.Reply none = api.sendMessage(chat, "no Accept at all");
        Api.Reply any = api.sendMessage(chat, "anything goes", "Accept", "*/*");
        Api.Reply both = api.sendMessage(chat, "either will do", "Accept", "application/json, text/event-stream");

        assertThat(List.of(none, any, both)).allSatisfy(reply -> {
            assertThat(reply.status()).as(reply.body()).isEqualTo(201);
            assertThat(reply.header("Content-Type")).hasValue("application/json");
        });
    }

    @Test
    void problemsBeforeTheTurnIsAcceptedArePlainProblemResponses() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        api.sendMessage(chat, "first", "Idempotency-Key", "reused-1");

        Api.Reply blank = api.post("/api/chats/" + chat + "/messages", body("   "), "Accept", "text/event-stream");
        Api.Reply unknown = api.post("/api/chats/" + UUID.randomUUID() + "/messages", body("hi"),
                "Accept", "text/event-stream");
        Api.Reply reused = api.post("/api/chats/" + chat + "/messages", body("other words"),
                "Accept", "text/event-stream", "Idempotency-Key", "reused-1");

        assertThat(List.of(blank.status(), unknown.status(), reused.status())).containsExactly(400, 404, 422);
        assertThat(reused.header("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(reused.json().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'USER'", chat)).isEqualTo(1);
    }
}
