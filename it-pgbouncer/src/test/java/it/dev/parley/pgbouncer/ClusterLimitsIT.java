package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-user send limits and idempotency hold across two instances over one PgBouncer and one
 * PostgreSQL: sends of one user spread over both instances are limited as if they reached one, and
 * the same key sent to both at the same moment is one turn and one charge. Every reply takes
 * {@link #LATENCY_MS} (the local provider's latency), so that turns overlap.
 */
class ClusterLimitsIT {
    private static final int IN_FLIGHT = 4;
    private static final int PER_MINUTE = 6;
    private static final long LATENCY_MS = 6_000;

    private static Cluster cluster;

    @BeforeAll
    static void startTwoInstances() {
        Map<String, String> environment = Map.of(
                "PARLEY_LIMITS_USER_IN_FLIGHT", Integer.toString(IN_FLIGHT),
                "PARLEY_LIMITS_USER_SENDS_PER_MINUTE", Integer.toString(PER_MINUTE),
                "PARLEY_AI_LOCAL_LATENCY_MS", Long.toString(LATENCY_MS));
        cluster = Cluster.start("limits", 2, environment);
    }

    @AfterAll
    static void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Views of both instances as one new user with {@code tokens} tokens. */
    private static LibertyServer[] newUser(String name, long tokens) {
        String subject = name + "-" + UUID.randomUUID();
        LibertyServer[] views = cluster.as(subject);
        Databases.execute("update users set token_balance = " + tokens + " where id = '" + views[0].userId() + "'");
        return views;
    }

    private static HttpResponse<String> send(LibertyServer server, String chat, String content, String key) {
        return server.post("/api/chats/" + chat + "/messages", "{\"content\":\"" + content + "\"}", key,
                Duration.ofSeconds(60));
    }

    /** Runs every call at the same moment, each on its own thread, and returns their results in order. */
    private static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long count(String sql, String... args) throws SQLException {
        try (Connection c = Databases.direct().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, UUID.fromString(args[i]));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void eightSendsAtOnceOverBothInstancesAdmitExactlyTheInFlightLimit() throws Exception {
        LibertyServer[] user = newUser("in-flight", 100);
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            chats.add(user[i % 2].newChat());
        }
        List<Callable<HttpResponse<String>>> sends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            LibertyServer instance = user[i % 2];
            String chat = chats.get(i);
            sends.add(() -> send(instance, chat, "Ahoy", UUID.randomUUID().toString()));
        }

        List<HttpResponse<String>> answers = atOnce(sends);

        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(IN_FLIGHT);
        assertThat(refused).hasSize(8 - IN_FLIGHT).allSatisfy(r -> {
            assertThat(LibertyServer.code(r)).isEqualTo("USER_RATE_LIMITED");
            assertThat(r.body()).contains("\"limit\":\"in-flight\"");
            assertThat(r.headers().firstValue("Retry-After")).contains("2");
        });
        assertThat(count("select count(*) from messages m join chats c on c.id = m.chat_id where c.user_id = ?"
                + " and m.role = 'USER'", user[0].userId())).as("a refused send stores nothing").isEqualTo(IN_FLIGHT);
        assertThat(count("select count(*) from token_ledger where user_id = ?", user[0].userId())).isEqualTo(IN_FLIGHT);
    }

    @Test
    void theSendsOfAMinuteAreCountedOverBothInstancesAndTheWaitIsUntilTheOldestLeaves() throws Exception {
        LibertyServer[] user = newUser("per-minute", 100);
        String chatOnFirst = user[0].newChat();
        String chatOnSecond = user[1].newChat();
        List<String> keys = new ArrayList<>();
        long firstSentAt = System.nanoTime();
        long firstBatchAnswered = 0;
        for (int batch = 0; batch < 2; batch++) { // 2 × 3 sends: the minute's six, below the in-flight limit
            List<Callable<HttpResponse<String>>> sends = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                LibertyServer instance = user[(batch + i) % 2];
                String chat = instance == user[0] ? chatOnFirst : chatOnSecond;
                String key = UUID.randomUUID().toString();
                keys.add(key);
                sends.add(() -> send(instance, chat, "Ahoy", key));
            }
            assertThat(atOnce(sends)).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(201));
            if (batch == 0) {
                firstBatchAnswered = System.nanoTime();
            }
        }

        long seventhSentAt = System.nanoTime();
        HttpResponse<String> seventh = send(user[1], chatOnSecond, "One more", UUID.randomUUID().toString());
        long answeredAt = System.nanoTime();

        assertThat(seventh.statusCode()).as(seventh.body()).isEqualTo(429);
        assertThat(LibertyServer.code(seventh)).isEqualTo("USER_RATE_LIMITED");
        assertThat(seventh.body()).contains("\"limit\":\"sends-per-minute\"");
        long retryAfter = Long.parseLong(seventh.headers().firstValue("Retry-After").orElseThrow());
        // exact: the oldest send was admitted between firstSentAt and firstBatchAnswered, and the seventh
        // refused between seventhSentAt and answeredAt; Retry-After is that wait in whole seconds, rounded up
        double atLeast = 60 - (answeredAt - firstSentAt) / 1e9;
        double atMost = 60 - (seventhSentAt - firstBatchAnswered) / 1e9;
        assertThat((double) retryAfter).isBetween(Math.floor(atLeast), Math.ceil(atMost));
        // a replay of a stored turn is never limited, on either instance
        HttpResponse<String> replay = send(user[0], chatOnFirst, "Ahoy", keys.get(0));
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(201);
        assertThat(replay.body()).contains("\"replayed\":true");
        assertThat(count("select count(*) from user_sends where user_id = ?", user[0].userId())).isEqualTo(PER_MINUTE);
    }

    @Test
    void theSameKeySentToBothInstancesAtTheSameMomentIsOneTurnAndOneCharge() throws Exception {
        LibertyServer[] user = newUser("same-key", 50);
        String chat = user[0].newChat();
        for (int round = 0; round < 5; round++) {
            String key = UUID.randomUUID().toString();
            String content = "Same key " + round;
            List<HttpResponse<String>> answers = atOnce(List.of(
                    () -> send(user[0], chat, content, key), () -> send(user[1], chat, content, key)));

            assertThat(answers).filteredOn(r -> r.statusCode() == 201 && !r.body().contains("\"replayed\":true"))
                    .as("round %d: %s", round, answers.stream().map(HttpResponse::body).toList()).hasSize(1);
            assertThat(answers).allSatisfy(r -> assertThat(r.statusCode() == 201
                    || LibertyServer.code(r).equals("REQUEST_IN_PROGRESS")).as(r.body()).isTrue());
            // both instances answer the stored turn from now on, charging nothing
            for (LibertyServer instance : user) {
                HttpResponse<String> again = send(instance, chat, content, key);
                assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
                assertThat(again.body()).contains("\"replayed\":true").contains("\"tokensCharged\":0");
            }
        }
        String userId = user[0].userId();
        assertThat(count("select count(*) from messages where chat_id = ? and role = 'USER'", chat)).isEqualTo(5);
        assertThat(count("select count(*) from messages where chat_id = ? and role = 'ASSISTANT'", chat)).isEqualTo(5);
        assertThat(count("select count(*) from token_ledger where user_id = ?", userId)).isEqualTo(5);
        assertThat(count("select token_balance from users where id = ?", userId)).isEqualTo(50 - 5);
    }
}
