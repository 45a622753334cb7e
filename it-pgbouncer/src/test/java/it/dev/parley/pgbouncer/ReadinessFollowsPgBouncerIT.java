package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/ready} follows the database: with PgBouncer stopped it turns DOWN (503, the
 * {@code database} check DOWN) within seconds, and with PgBouncer back it turns UP again, the
 * Liberty server never restarted. Liveness stays UP throughout (a database outage is no reason to
 * restart the process).
 */
class ReadinessFollowsPgBouncerIT {
    private static PgBouncer bouncer;
    private static LibertyServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startDatabaseBouncerAndServer() {
        bouncer = PgBouncer.start("health", PgBouncer.Mode.TRANSACTION, 3, Databases.postgres().getPort());
        server = LibertyServer.start(Map.of(
                "PARLEY_DB_URL", bouncer.jdbcUrl(),
                "PARLEY_DB_USER", "postgres",
                "PARLEY_HTTP_PORT", Integer.toString(Integer.getInteger("parley.pgb.http.port", 9181))));
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
    void readinessGoesDownWhilePgBouncerIsStoppedAndUpAgainWithoutARestart() {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        assertThat(Poll.until(Duration.ofSeconds(60), () -> status("/health/ready", last) == 200))
                .as("ready before the outage: " + body(last)).isTrue();

        bouncer.stop();
        assertThat(Poll.until(Duration.ofSeconds(30), () -> status("/health/ready", last) == 503))
                .as("DOWN while PgBouncer is stopped: " + body(last)).isTrue();
        JsonObject down = json(last.get().body());
        System.out.println("readiness with PgBouncer stopped: 503 " + down);
        assertThat(down.getString("status")).isEqualTo("DOWN");
        assertThat(check(down, "database").getString("status")).isEqualTo("DOWN");
        assertThat(check(down, "database").getJsonObject("data").getString("error")).isNotBlank();
        assertThat(check(down, "ai-provider").getString("status")).as("the AI provider never takes the instance out")
                .isEqualTo("UP");
        assertThat(status("/health/live", last)).as("liveness ignores the database: " + body(last)).isEqualTo(200);

        bouncer.start();
        assertThat(Poll.until(Duration.ofSeconds(60), () -> status("/health/ready", last) == 200))
                .as("UP again once PgBouncer is back: " + body(last)).isTrue();
        assertThat(server.messages()).as("the same server process: started once")
                .containsOnlyOnce("CWWKF0011I");
    }

    private static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static JsonObject check(JsonObject health, String name) {
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + health));
    }

    private static String body(AtomicReference<HttpResponse<String>> last) {
        return last.get() == null ? "(no answer)" : last.get().statusCode() + " " + last.get().body();
    }

    private int status(String path, AtomicReference<HttpResponse<String>> last) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            last.set(r);
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
