package it.dev.parley.health;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MicroProfile Health on the running server: {@code /health/started}, {@code /health/live} and
 * {@code /health/ready} answer 200 UP with Parley's checks by name and their data, and need nothing
 * the API needs (no header, no credentials).
 */
class HealthIT {
    private static final Api api = Api.fromSystemProperties();

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
    }

    @Test
    void startedIsUpOnceTheMigrationsAreDone() {
        JsonObject check = upCheck("/health/started", "database-migrations");

        assertThat(check.getJsonObject("data").getString("schemaVersion")).isNotBlank().isNotEqualTo("null");
        assertThat(check.getJsonObject("data").getJsonNumber("migrationsExecuted").longValue()).isNotNegative();
    }

    @Test
    void liveReportsTheHeapAfterTheLastCollection() {
        JsonObject data = upCheck("/health/live", "heap").getJsonObject("data");

        assertThat(data.getJsonNumber("maxBytes").longValue()).isPositive();
        assertThat(data.getJsonNumber("usedAfterLastGcBytes").longValue()).isNotNegative();
        assertThat(data.getInt("limitPercent")).isEqualTo(95);
    }

    @Test
    void readyChecksTheDatabaseWithinItsTimeout() {
        JsonObject data = upCheck("/health/ready", "database").getJsonObject("data");

        assertThat(data.getJsonNumber("responseTimeMs").longValue()).isBetween(0L, 2000L);
        assertThat(data.getJsonNumber("timeoutMs").longValue()).isEqualTo(2000);
    }

    @Test
    void readyReportsTheAiProviderAsDataWithoutGoingDown() {
        JsonObject data = upCheck("/health/ready", "ai-provider").getJsonObject("data");

        assertThat(data.getString("provider")).isEqualTo("local");
        assertThat(data.getString("providerWideBreaker")).startsWith("none");
    }

    @Test
    void theAggregateHealthHoldsEveryCheck() {
        Api.Reply health = api.get("/health");

        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(names(health.json().getJsonArray("checks")))
                .contains("database-migrations", "heap", "database", "ai-provider");
    }

    /** The check {@code name} of {@code path}: the response is 200 UP, and so is the check. */
    private static JsonObject upCheck(String path, String name) {
        Api.Reply reply = api.get(path);
        assertThat(reply.status()).as(path + " " + reply.body()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonObject body = reply.json();
        assertThat(body.getString("status")).isEqualTo("UP");
        List<JsonObject> checks = body.getJsonArray("checks").getValuesAs(JsonObject.class);
        // Arquillian tests deploy copies of the WAR beside it: a check may appear once per application
        JsonObject check = checks.stream().filter(c -> c.getString("name").equals(name)
                        && (!name.equals("ai-provider") || c.getJsonObject("data").getString("provider").equals("local")))
                .findFirst().orElseThrow(() -> new AssertionError(path + " has no check " + name + ": " + body));
        assertThat(check.getString("status")).isEqualTo("UP");
        assertThat(check.get("data")).isNotNull().extracting(JsonValue::getValueType).isEqualTo(JsonValue.ValueType.OBJECT);
        return check;
    }

    private static List<String> names(jakarta.json.JsonArray checks) {
        return checks.getValuesAs(JsonObject.class).stream().map(c -> c.getString("name")).toList();
    }
}
