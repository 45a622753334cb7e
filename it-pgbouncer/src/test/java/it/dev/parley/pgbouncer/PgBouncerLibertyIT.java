package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end on Open Liberty: the adapters-rest WAR with the root server.xml, {@code parley.db.url}
 * pointing at a real PgBouncer 1.18 in transaction mode (3 server connections) in front of a real
 * PostgreSQL, nothing else configured ({@code parley.db.pgbouncer-disable-cache} left at its
 * default).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBouncerLibertyIT {

    private static PgBouncer bouncer;
    private static LibertyServer server;

    @BeforeAll
    static void startDatabaseBouncerAndServer() {
        Databases.postgres();
        bouncer = PgBouncer.start("liberty", PgBouncer.Mode.TRANSACTION, 3, Databases.postgres().getPort());
        server = LibertyServer.behind(bouncer);
    }

    @AfterAll
    static void stopAll() {
        if (server != null) {
            server.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    @Test
    @Order(1)
    void theServerLogsOneDbPoolDetectedEventForTheTransactionPooler() {
        List<String> events = server.messages().lines().filter(l -> l.contains("\"event\":\"db_pool_detected\"")).toList();

        assertThat(events).singleElement().asString()
                .contains("\"pooler\":true", "\"mode\":\"transaction\"", "\"source\":\"detected\"",
                        "\"setting\":\"auto\"", "\"prepareThreshold\":0", "\"preparedStatementCacheQueries\":0")
                .doesNotContain("jdbc:", "password");
    }

    @Test
    @Order(2)
    void concurrentChatTurnsThroughPgBouncerAllSucceedWithTheirOwnReplies() throws Exception {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ok = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                running.add(pool.submit(() -> {
                    String chat = server.newChat();
                    for (int i = 0; i < 25; i++) {
                        String content = "liberty " + thread + "/" + i + " " + UUID.randomUUID();
                        HttpResponse<String> r = send(chat, content);
                        if (r.statusCode() == 201 && r.body().contains("Captain Mira: ")
                                && r.body().contains("You said \\\"" + content + "\\\"")) {
                            ok.incrementAndGet();
                        } else {
                            problems.add(r.statusCode() + " " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(problems).isEmpty();
        assertThat(ok.get()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aPgBouncerRestartIsAnswered503DatabaseUnavailableAndTheServiceRecoversWithoutARestart() throws Exception {
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger[] successes = new AtomicInteger[4];
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(successes.length);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < successes.length; t++) {
            AtomicInteger mine = successes[t] = new AtomicInteger();
            int thread = t;
            running.add(pool.submit(() -> {
                String chat = server.newChat();
                for (int i = 0; !stop.get(); i++) {
                    String content = "restart " + thread + "/" + i + " " + UUID.randomUUID();
                    HttpResponse<String> r = send(chat, content);
                    if (r.statusCode() == 201 && r.body().contains("You said \\\"" + content + "\\\"")) {
                        mine.incrementAndGet();
                    } else if (r.statusCode() == 503 && LibertyServer.code(r).equals("DATABASE_UNAVAILABLE")
                            && r.headers().firstValue("Retry-After").isPresent()) {
                        unavailable.incrementAndGet();
                    } else {
                        unexpected.add(r.statusCode() + " " + r.headers().firstValue("Retry-After") + " " + r.body());
                    }
                }
                return null;
            }));
        }
        try {
            assertThat(Poll.until(Duration.ofSeconds(30), () -> total(successes) >= 20)).isTrue();
            bouncer.stop();
            assertThat(Poll.until(Duration.ofSeconds(30), () -> unavailable.get() >= 4))
                    .as("requests during the outage are answered 503 DATABASE_UNAVAILABLE").isTrue();
            int[] before = new int[successes.length];
            for (int t = 0; t < before.length; t++) {
                before[t] = successes[t].get();
            }
            bouncer.start();
            boolean recovered = Poll.until(Duration.ofSeconds(60), () -> {
                for (int t = 0; t < before.length; t++) {
                    if (successes[t].get() < before[t] + 5) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(recovered).as("every client gets 201 again, the server untouched").isTrue();
        } finally {
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdownNow();
        }
        System.out.printf("liberty restart: %d turns ok, %d answered 503 DATABASE_UNAVAILABLE%n", total(successes),
                unavailable.get());
        assertThat(unexpected).as("never a 500 or another code").isEmpty();
        assertThat(replyAndChargeCountsOfTheTestUser()).as("one charge per stored reply").isTrue();
    }

    private static boolean replyAndChargeCountsOfTheTestUser() {
        String user = server.userId();
        try (var c = Databases.direct().getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("select (select count(*) from messages m join chats ch on ch.id = m.chat_id"
                        + " where ch.user_id = '" + user + "' and m.role = 'ASSISTANT'),"
                        + " (select count(*) from token_ledger where user_id = '" + user + "'),"
                        + " (select 1000000 - token_balance from users where id = '" + user + "'),"
                        + " (select count(*) - count(distinct content) from messages where role = 'USER')")) {
            rs.next();
            return rs.getLong(1) == rs.getLong(2) && rs.getLong(2) == rs.getLong(3) && rs.getLong(4) == 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int total(AtomicInteger[] counters) {
        int sum = 0;
        for (AtomicInteger c : counters) {
            sum += c.get();
        }
        return sum;
    }


    private HttpResponse<String> send(String chat, String content) {
        return server.post("/api/chats/" + chat + "/messages", "{\"content\":\"" + content + "\"}",
                "k-" + UUID.randomUUID(), Duration.ofSeconds(60));
    }


}
