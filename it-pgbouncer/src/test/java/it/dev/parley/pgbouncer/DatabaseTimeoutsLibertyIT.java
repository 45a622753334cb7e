package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A database that stops answering, end to end: the WAR on Liberty with the production timeouts of
 * server.xml (connect 5 s, query 5 s, socket 10 s, pool wait 5 s), behind a real PgBouncer in
 * transaction mode that is put in {@code PAUSE} (it keeps accepting connections and queries but
 * answers none) for longer than all of them. Every request must end within the request's deadline
 * (25 s) as 503 {@code DATABASE_UNAVAILABLE}, and after {@code RESUME} the service answers again.
 */
class DatabaseTimeoutsLibertyIT {
    private static final Duration DEADLINE = Duration.ofSeconds(25);

    private static PgBouncer bouncer;
    private static LibertyServer server;

    /** What one request ended with, and how long it took. */
    private record Outcome(int status, String contentType, String retryAfter, String code, long millis) {
    }

    @BeforeAll
    static void startDatabaseBouncerAndServer() {
        Databases.postgres();
        bouncer = PgBouncer.start("timeouts", PgBouncer.Mode.TRANSACTION, 3, Databases.postgres().getPort());
        server = LibertyServer.behind(bouncer);
    }

    @AfterAll
    static void stopAll() {
        if (bouncer != null) {
            try {
                bouncer.resume();
            } catch (RuntimeException alreadyRunning) {
                // RESUME of a running pooler is an error; nothing to undo then
            }
        }
        if (server != null) {
            server.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    @Test
    void whilePgBouncerIsPausedEverySendEndsWithin25sAs503DatabaseUnavailableAndAfterResumeASendSucceeds()
            throws Exception {
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            chats.add(server.newChat());
        }
        String chat = chats.get(0);
        assertThat(send(chat, "before the pause").status()).isEqualTo(201);

        bouncer.pause();
        List<Outcome> outcomes = new ArrayList<>();
        long pausedAt = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Outcome>> running = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String content = "while paused " + i;
                String mine = chats.get(i);
                running.add(clients.submit(() -> send(mine, content)));
            }
            for (Future<Outcome> f : running) {
                outcomes.add(f.get());
            }
        } finally {
            clients.shutdownNow();
        }
        long pausedForMillis = (System.nanoTime() - pausedAt) / 1_000_000;
        bouncer.resume();

        System.out.printf("paused for %d ms; outcomes: %s%n", pausedForMillis, outcomes);
        assertThat(pausedForMillis).as("the pause outlasted every timeout").isGreaterThan(10_000);
        assertThat(outcomes).hasSize(8).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(503);
            assertThat(o.code()).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(o.contentType()).startsWith("application/problem+json");
            assertThat(o.retryAfter()).isEqualTo("2");
            assertThat(o.millis()).as("within the request's deadline").isLessThan(DEADLINE.toMillis());
        });

        List<Outcome> afterResume = new ArrayList<>();
        boolean recovered = Poll.until(Duration.ofSeconds(30), () -> {
            Outcome o = send(chat, "after the pause " + UUID.randomUUID());
            afterResume.add(o);
            return o.status() == 201;
        });
        assertThat(recovered).as("a send succeeds after RESUME: %s", afterResume).isTrue();
        assertThat(afterResume).as("at once: no stale connection is handed out").hasSize(1);
    }


    private Outcome send(String chat, String content) {
        long start = System.nanoTime();
        // far beyond the deadline: a hung request shows as a long duration, not as this timeout
        HttpResponse<String> r = server.post("/api/chats/" + chat + "/messages", "{\"content\":\"" + content + "\"}",
                "k-" + UUID.randomUUID(), Duration.ofSeconds(90));
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Outcome(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Retry-After").orElse(""), LibertyServer.code(r), millis);
    }

}
