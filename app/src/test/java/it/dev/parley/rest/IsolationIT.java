package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.EventStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Users never see or touch each other's data: another user's chat is 404 CHAT_NOT_FOUND for its
 * messages, sends, events and tickets; an Idempotency-Key belongs to its user; balances, chats and
 * charges stay apart, also when several users send at once (checked in the database).
 */
class IsolationIT {
    private static final Api alice = Api.fromSystemProperties();
    private static final Api bob = Api.fromSystemProperties();

    @BeforeAll
    static void serviceIsUp() {
        alice.awaitReady(Duration.ofSeconds(180));
    }

    private static void assertChatNotFound(Api.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(404);
        assertThat(reply.json().getString("code")).isEqualTo("CHAT_NOT_FOUND");
    }

    @Test
    void anotherUsersChatIsNotFoundForEveryOperation() {
        String chat = alice.newChat(Api.CAPTAIN_MIRA);
        assertThat(alice.sendMessage(chat, "Only for me").status()).isEqualTo(201);
        long aliceBalance = Db.balance(alice.userId());

        assertChatNotFound(bob.get("/api/chats/" + chat + "/messages"));
        assertChatNotFound(bob.sendMessage(chat, "Let me in", "Idempotency-Key", "intruder"));
        assertChatNotFound(bob.post("/api/chats/" + chat + "/events/ticket", ""));
        try (EventStream events = EventStream.open(bob, chat)) {
            assertThat(events.status()).isEqualTo(404);
        }
        assertThat(bob.get("/api/chats").array()).isEmpty();

        assertThat(Db.scalar("select count(*) from messages where chat_id = ?", chat)).as("bob wrote nothing").isEqualTo(2);
        assertThat(Db.balance(alice.userId())).isEqualTo(aliceBalance);
        assertThat(Db.balance(bob.userId())).as("bob was charged nothing").isEqualTo(100);
    }

    @Test
    void theSameIdempotencyKeyOfTwoUsersIsTwoIndependentTurns() {
        Api carol = Api.fromSystemProperties();
        Api dave = Api.fromSystemProperties();
        String key = "shared-key-" + UUID.randomUUID();
        String carolsChat = carol.newChat(Api.CAPTAIN_MIRA);
        String davesChat = dave.newChat(Api.CAPTAIN_MIRA);

        Api.Reply carols = carol.sendMessage(carolsChat, "Same words", "Idempotency-Key", key);
        Api.Reply daves = dave.sendMessage(davesChat, "Same words", "Idempotency-Key", key);

        assertThat(carols.status()).as(carols.body()).isEqualTo(201);
        assertThat(daves.status()).as(daves.body()).isEqualTo(201);
        assertThat(daves.json().getBoolean("replayed", false)).as("not carol's turn replayed").isFalse();
        assertThat(daves.json().getJsonObject("userMessage").getString("id"))
                .isNotEqualTo(carols.json().getJsonObject("userMessage").getString("id"));
        assertThat(Db.balance(carol.userId())).isEqualTo(99);
        assertThat(Db.balance(dave.userId())).isEqualTo(99);
        // and the key on carol's chat is no door for dave
        assertChatNotFound(dave.sendMessage(carolsChat, "Same words", "Idempotency-Key", key));
        assertThat(Db.scalar("select count(*) from messages where idempotency_key = ?", key)).isEqualTo(2);
    }

    /** Several users send on their own chats at once: each is charged exactly for their own replies. */
    @Test
    void concurrentSendsOfSeveralUsersAreAccountedPerUser() throws Exception {
        int users = 4;
        int sendsEach = 6;
        List<Api> apis = new ArrayList<>();
        List<String> chats = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            Api api = Api.fromSystemProperties();
            apis.add(api);
            chats.add(api.newChat(u % 2 == 0 ? Api.CAPTAIN_MIRA : Api.PROFESSOR_LIN));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(users * 2);
        List<Future<Api.Reply>> replies = new ArrayList<>();
        try {
            for (int u = 0; u < users; u++) {
                for (int s = 0; s < sendsEach; s++) {
                    Api api = apis.get(u);
                    String chat = chats.get(u);
                    String content = "user " + u + " message " + s;
                    replies.add(pool.submit(() -> {
                        start.await();
                        return api.sendMessage(chat, content, "Idempotency-Key", "k-" + content.hashCode());
                    }));
                }
            }
            start.countDown();
            for (Future<Api.Reply> reply : replies) {
                Api.Reply r = reply.get(120, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int u = 0; u < users; u++) {
            String user = apis.get(u).userId();
            assertThat(Db.balance(user)).as("user %d balance", u).isEqualTo(100 - sendsEach);
            assertThat(Db.scalar("select count(*) from token_ledger where user_id = ?", user)).isEqualTo(sendsEach);
            assertThat(Db.scalar("select coalesce(sum(delta), 0) from token_ledger where user_id = ?", user))
                    .isEqualTo(-sendsEach);
            assertThat(Db.scalar("select count(*) from chats where user_id = ?", user)).isEqualTo(1);
            assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'ASSISTANT'", chats.get(u)))
                    .isEqualTo(sendsEach);
        }
        // every charge is for a reply in a chat of the charged user
        List<Map<String, Object>> crossed = Db.rows("select l.id from token_ledger l join messages m on m.id = l.message_id"
                + " join chats c on c.id = m.chat_id where c.user_id <> l.user_id");
        assertThat(crossed).isEmpty();
    }
}
