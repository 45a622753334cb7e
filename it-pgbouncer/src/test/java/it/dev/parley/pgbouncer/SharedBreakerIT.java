package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One chat's breaker across two instances over one PgBouncer and one PostgreSQL
 * (docs/scale-out.md, "One circuit breaker per chat across the cluster"): opened through one, it
 * refuses on the other within a second with about the same Retry-After; after the open time one
 * probe passes cluster-wide, and its success closes the breaker on both. The second instance answers
 * slowly (5 s of artificial provider latency), so its probe is still running while the first is asked.
 */
class SharedBreakerIT {
    private static final long OPEN_MS = 6000;
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "PARLEY_DEBUG_FORCE_ERROR_ENABLED", "true",
            "PARLEY_RETRY_BACKOFF_BASE_MS", "50",
            "PARLEY_BREAKER_OPEN_DURATION_MS", Long.toString(OPEN_MS));

    private static final Pattern TRANSITION = Pattern.compile(
            "\"event\":\"circuit_state_changed\".*?\"to\":\"([A-Z_]+)\",\"at\":\"([^\"]+)\"");

    private static PgBouncer bouncer;
    private static LibertyServer first;
    private static LibertyServer second;

    @BeforeAll
    static void startTwoInstances() {
        Databases.postgres();
        bouncer = PgBouncer.start("breakers", PgBouncer.Mode.TRANSACTION, 8, Databases.postgres().getPort());
        first = LibertyServer.behind(bouncer, 1, ENVIRONMENT);
        Map<String, String> slow = new java.util.HashMap<>(ENVIRONMENT);
        slow.put("PARLEY_AI_LOCAL_LATENCY_MS", "5000");
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

        send(onFirst, onFirst.newChat(), null); // warm both instances' paths up
        send(onSecond, onSecond.newChat(), null);
        Instant began = Instant.now();

        // opened through the second instance: 4 failed attempts, then the 5th opens the breaker
        assertThat(send(onSecond, chat, "bad_response").statusCode()).isEqualTo(502);
        HttpResponse<String> opened = send(onSecond, chat, "bad_response");
        long openedAt = System.nanoTime();
        assertThat(LibertyServer.code(opened)).as(opened.body()).isEqualTo("CIRCUIT_OPEN");

        // the first instance's breaker opens within a second of the second's (both log their moves, one clock)
        Duration opening = Duration.between(moved(second, "OPEN", began), moved(first, "OPEN", began));
        System.out.printf("shared breaker: opened on the other instance %d ms later%n", opening.toMillis());
        assertThat(opening).isLessThanOrEqualTo(Duration.ofSeconds(1));
        // so a request there a second after the opening answer is refused, before any attempt
        Thread.sleep(Math.max(0, 1000 - Duration.ofNanos(System.nanoTime() - openedAt).toMillis()));
        HttpResponse<String> refusal = send(onFirst, chat, null);
        assertThat(LibertyServer.code(refusal)).as(refusal.body()).isEqualTo("CIRCUIT_OPEN");
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
        for (int i = 0; i < 2; i++) {
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

        // closed on both: the row is gone, and the first instance's breaker closes within a second
        assertThat(Poll.until(Duration.ofSeconds(1), () -> probes(chat) == -1)).as("the shared row is gone").isTrue();
        Duration closing = Duration.between(moved(second, "CLOSED", began), moved(first, "CLOSED", began));
        System.out.printf("shared breaker: closed on the other instance %d ms later%n", closing.toMillis());
        assertThat(closing).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(send(onFirst, chat, null).statusCode()).isEqualTo(201);
        assertThat(send(onSecond, chat, null).statusCode()).isEqualTo(201);
    }

    /**
     * When {@code server}'s breaker first moved to {@code to} at or after {@code since}, from its
     * {@code circuit_state_changed} telemetry (the test's only chat that fails); waits up to 10 s for it.
     */
    private static Instant moved(LibertyServer server, String to, Instant since) {
        Instant[] at = new Instant[1];
        boolean logged = Poll.until(Duration.ofSeconds(10), () -> {
            Matcher m = TRANSITION.matcher(server.messages());
            while (m.find()) {
                Instant when = Instant.parse(m.group(2));
                if (m.group(1).equals(to) && !when.isBefore(since)) {
                    at[0] = when;
                    return true;
                }
            }
            return false;
        });
        assertThat(logged).as("a move to %s logged by %s", to, server.baseUrl()).isTrue();
        return at[0];
    }

    /** Sends a message to {@code chat}, with {@code X-Debug-Force-Error: fault} unless null. */
    private static HttpResponse<String> send(LibertyServer as, String chat, String fault) {
        return as.postWithHeaders("/api/chats/" + chat + "/messages", "{\"content\":\"Anyone there?\"}",
                fault == null ? Map.of() : Map.of("X-Debug-Force-Error", fault), Duration.ofSeconds(60));
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
