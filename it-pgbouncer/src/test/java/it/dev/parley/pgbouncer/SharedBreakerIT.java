package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One chat's breaker across two instances over one PgBouncer and one PostgreSQL
 * (docs/scale-out.md, "One circuit breaker per chat across the cluster"): opened through one, it
 * refuses on the other within a second with about the same Retry-After; after the open time one
 * probe passes cluster-wide, and its success closes the breaker on both. The second instance answers
 * slowly (3 s of artificial provider latency), so its probe is still running while the first is asked.
 */
class SharedBreakerIT {
    private static final long OPEN_MS = 6000;
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "PARLEY_DEBUG_FORCE_ERROR_ENABLED", "true",
            "PARLEY_RETRY_BACKOFF_BASE_MS", "50",
            "PARLEY_BREAKER_OPEN_DURATION_MS", Long.toString(OPEN_MS));

    private static PgBouncer bouncer;
    private static LibertyServer first;
    private static LibertyServer second;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startTwoInstances() {
        Databases.postgres();
        bouncer = PgBouncer.start("breakers", PgBouncer.Mode.TRANSACTION, 8, Databases.postgres().getPort());
        first = LibertyServer.behind(bouncer, 1, ENVIRONMENT);
        Map<String, String> slow = new java.util.HashMap<>(ENVIRONMENT);
        slow.put("PARLEY_AI_LOCAL_LATENCY_MS", "3000");
        second = LibertyServer.behind(bouncer, 2, slow);
    }

    @AfterAll
    static void stopAll() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    @Test
    void aBreakerOpenedThroughOneInstanceRefusesOnTheOtherThenOneProbeClosesItOnBoth() throws Exception {
        String user = "shared-breaker-" + UUID.randomUUID();
        LibertyServer onFirst = first.as(user);
        LibertyServer onSecond = second.as(user);
        String chat = onFirst.newChat();

        // opened through the second instance: 4 failed attempts, then the 5th opens the breaker
        assertThat(send(onSecond, chat, "bad_response").statusCode()).isEqualTo(502);
        HttpResponse<String> opened = send(onSecond, chat, "bad_response");
        long openedAt = System.nanoTime();
        assertThat(LibertyServer.code(opened)).as(opened.body()).isEqualTo("CIRCUIT_OPEN");

        // refused by the first instance within a second, before any attempt
        List<HttpResponse<String>> onTheOther = new ArrayList<>();
        boolean refused = Poll.until(Duration.ofSeconds(1).minusNanos(System.nanoTime() - openedAt), () -> {
            HttpResponse<String> r = send(onFirst, chat, null);
            onTheOther.add(r);
            return r.statusCode() == 503;
        });
        assertThat(refused).as("refused by the other instance within 1 s; answers: %s", statuses(onTheOther)).isTrue();
        // measured, not asserted beyond the 1 s above: reported in docs/scale-out.md
        System.out.printf("shared breaker: refused on the other instance %d ms after the opening answer (%d sends)%n",
                Duration.ofNanos(System.nanoTime() - openedAt).toMillis(), onTheOther.size());
        HttpResponse<String> refusal = onTheOther.get(onTheOther.size() - 1);
        assertThat(LibertyServer.code(refusal)).isEqualTo("CIRCUIT_OPEN");
        assertThat(refusal.body()).contains("\"attempts\":0");
        HttpResponse<String> refusalHere = send(onSecond, chat, null);
        assertThat(LibertyServer.code(refusalHere)).isEqualTo("CIRCUIT_OPEN");
        long there = retryAfter(refusal);
        long here = retryAfter(refusalHere);
        assertThat(there).isBetween(1L, OPEN_MS / 1000);
        assertThat(Math.abs(there - here)).as("Retry-After %d s and %d s", there, here).isLessThanOrEqualTo(1);

        // after the open time: the probe goes through the (slow) second instance; meanwhile nobody else passes
        Thread.sleep(Math.max(0, OPEN_MS + 200 - Duration.ofNanos(System.nanoTime() - openedAt).toMillis()));
        CompletableFuture<HttpResponse<String>> probe = CompletableFuture.supplyAsync(() -> send(onSecond, chat, null));
        assertThat(Poll.until(Duration.ofSeconds(5), () -> probes(chat) == 1)).as("the probe is claimed").isTrue();
        List<HttpResponse<String>> duringProbe = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            duringProbe.add(send(onFirst, chat, null));
            duringProbe.add(send(onSecond, chat, null));
        }
        assertThat(duringProbe).allSatisfy(r -> {
            assertThat(LibertyServer.code(r)).as(r.body()).isEqualTo("CIRCUIT_OPEN");
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
        });
        HttpResponse<String> probed = probe.get();
        assertThat(probed.statusCode()).as(probed.body()).isEqualTo(201);
        assertThat(probed.body()).contains("\"breakerState\":\"CLOSED\"");

        // closed on both: the row is gone, and the first instance admits again within a second
        assertThat(Poll.until(Duration.ofSeconds(1), () -> probes(chat) == -1)).as("the shared row is gone").isTrue();
        List<HttpResponse<String>> afterClose = new ArrayList<>();
        assertThat(Poll.until(Duration.ofSeconds(1), () -> {
            HttpResponse<String> r = send(onFirst, chat, null);
            afterClose.add(r);
            return r.statusCode() == 201;
        })).as("admitted by the other instance; answers: %s", statuses(afterClose)).isTrue();
        assertThat(send(onSecond, chat, null).statusCode()).isEqualTo(201);
    }

    /** Sends a message to {@code chat}, with {@code X-Debug-Force-Error: fault} unless null. */
    private HttpResponse<String> send(LibertyServer as, String chat, String fault) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(as.baseUrl() + "/api/chats/" + chat + "/messages"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + as.token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"Anyone there?\"}"));
        if (fault != null) {
            request.header("X-Debug-Force-Error", fault);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long retryAfter(HttpResponse<String> response) {
        return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    }

    private static List<String> statuses(List<HttpResponse<String>> responses) {
        return responses.stream().map(r -> r.statusCode() + " " + LibertyServer.code(r)).toList();
    }

    /** The probe claims held for the chat in the shared table; -1 when it has no row (closed). */
    private static int probes(String chat) {
        try (Connection c = Databases.direct().getConnection();
                PreparedStatement s = c.prepareStatement("select probes from chat_breakers where chat_id = ?")) {
            s.setObject(1, UUID.fromString(chat));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
