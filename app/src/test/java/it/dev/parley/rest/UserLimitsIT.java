package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.EventStream;
import it.dev.parley.support.ParleyWar;
import it.dev.parley.support.Poll;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-user limits (issue #12, point 6) with the shipped defaults: 4 turns generating at once, 10
 * event streams. They run against a copy of the WAR that Arquillian deploys beside the main
 * application: the copy has the production defaults (the IT drop-in raises the limits for the main
 * application only); the sends are counted in the database per user, and the IT is a fresh user. The turns are
 * slowed by debug faults: {@code rate_limited; count=3} fails three attempts, each retried after the
 * fault's 1 s hint, so a turn takes about 3 s and then succeeds.
 */
@ExtendWith(ArquillianExtension.class)
class UserLimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ParleyWar.copy("parley-limits.war");
    }

    @ArquillianResource
    URL base;

    @Test
    void fourSlowTurnsGenerateTheFifthIs429StoringAndChargingNothingAndAReplayIsNeverLimited() throws Exception {
        Api api = new Api(base.toString());
        String answeredChat = api.newChat(Api.CAPTAIN_MIRA);
        Api.Reply answered = api.sendMessage(answeredChat, "Ahoy",
                "Idempotency-Key", "answered-before");
        assertThat(answered.status()).as(answered.body()).isEqualTo(201);
        List<String> slowChats = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slowChats.add(api.newChat(Api.CAPTAIN_MIRA));
        }
        String refusedChat = api.newChat(Api.PROFESSOR_LIN);
        long balanceBefore = Db.balance(api.userId());

        ExecutorService clients = Executors.newFixedThreadPool(slowChats.size());
        List<Future<Api.Reply>> slow = new ArrayList<>();
        for (String chat : slowChats) {
            slow.add(clients.submit(() -> api.sendMessage(chat, "Slowly now",
                    "X-Debug-Force-Error", "rate_limited; count=3")));
        }
        clients.shutdown();
        Poll.until(WAIT, () -> Db.scalar("select count(*) from messages where chat_id = any (?::uuid[])"
                + " and status = 'PENDING'", (Object) slowChats.toArray(String[]::new)), n -> n == 4,
                "four turns generating");

        Api.Reply refused = api.sendMessage(refusedChat, "One more",
                "Idempotency-Key", "fifth");
        Api.Reply refusedZh = api.sendMessage(refusedChat, "One more",
                "Idempotency-Key", "fifth", "Accept-Language", "zh");
        Api.Reply replay = api.sendMessage(answeredChat, "Ahoy",
                "Idempotency-Key", "answered-before");
        long stillGenerating = slow.stream().filter(f -> !f.isDone()).count();

        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.header("Retry-After")).contains("2");
        JsonObject problem = refused.json();
        assertThat(problem.getString("code")).isEqualTo("USER_RATE_LIMITED");
        assertThat(problem.getBoolean("retryable")).isTrue();
        assertThat(problem.getInt("retryAfterSeconds")).isEqualTo(2);
        assertThat(problem.getString("limit")).isEqualTo("in-flight");
        assertThat(problem.getString("detail")).isEqualTo(
                "You already have 4 replies being written. Wait for one to finish, then send again.");
        assertThat(problem.containsKey("userMessageId")).as("nothing was stored").isFalse();
        assertThat(refusedZh.status()).isEqualTo(429);
        assertThat(refusedZh.json().getString("detail")).isEqualTo("你已有 4 条回复正在生成。请等其中一条完成后再发送。");
        assertThat(replay.status()).as("a replay is never limited: " + replay.body()).isEqualTo(201);
        assertThat(replay.json().getBoolean("replayed")).isTrue();
        assertThat(replay.json().getJsonObject("assistantMessage").getString("id"))
                .isEqualTo(answered.json().getJsonObject("assistantMessage").getString("id"));
        assertThat(stillGenerating).as("the refusals came while the four were generating").isEqualTo(4);

        for (Future<Api.Reply> turn : slow) {
            Api.Reply reply = turn.get();
            assertThat(reply.status()).as(reply.body()).isEqualTo(201);
            assertThat(reply.json().getJsonObject("retryMeta").getInt("attempts")).isEqualTo(4);
        }
        assertThat(Db.scalar("select count(*) from messages where chat_id = ?", refusedChat)).isZero();
        assertThat(Db.scalar("select count(*) from token_ledger l join messages m on m.id = l.message_id"
                + " where m.chat_id = ?", refusedChat)).isZero();
        assertThat(Db.balance(api.userId())).as("the four replies, nothing for the refused send or the replay")
                .isEqualTo(balanceBefore - 4);

        Api.Reply afterwards = api.sendMessage(refusedChat, "One more",
                "Idempotency-Key", "fifth");
        assertThat(afterwards.status()).as("admitted once the turns ended: " + afterwards.body()).isEqualTo(201);
        assertThat(afterwards.json().getBoolean("replayed", false)).isFalse();
    }

    @Test
    void tenEventStreamsOverTwoChatsAndTheEleventhIs429UntilOneEnds() {
        Api api = new Api(base.toString());
        String first = api.newChat(Api.CAPTAIN_MIRA);
        String second = api.newChat(Api.PROFESSOR_LIN);
        List<EventStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                EventStream stream = EventStream.open(api, i < 5 ? first : second);
                open.add(stream);
                assertThat(stream.status()).isEqualTo(200);
                stream.awaitComment("connected", WAIT);
            }

            EventStream refused = EventStream.open(api, api.newChat(Api.CAPTAIN_MIRA));
            open.add(refused);
            Api.Reply refusedZh = api.get("/api/chats/" + first + "/events", "Accept", "text/event-stream",
                    "Accept-Language", "zh");

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).contains("5");
            assertThat(refusedZh.status()).isEqualTo(429);
            assertThat(refusedZh.json().getString("code")).isEqualTo("USER_RATE_LIMITED");
            assertThat(refusedZh.json().getString("limit")).isEqualTo("event-streams");
            assertThat(refusedZh.json().getString("detail")).isEqualTo("你已打开 10 个实时连接，达到上限。请关闭其他标签页，或几秒后重试。");

            open.remove(0).close(); // the server notices at its next write (keep-alive) and gives the place back
            EventStream again = Poll.until(WAIT, () -> {
                EventStream s = EventStream.open(api, second);
                if (s.status() != 200) {
                    s.close();
                }
                return s;
            }, s -> s.status() == 200, "a stream admitted once one ended");
            open.add(again);
            again.awaitComment("connected", WAIT);
        } finally {
            open.forEach(EventStream::close);
        }
    }
}
