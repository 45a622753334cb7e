package dev.parley.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.telemetry.TelemetryEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JsonLogTelemetryTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T02:27:13.321Z"), ZoneOffset.UTC);

    @RegisterExtension
    final TelemetryLog log = new TelemetryLog();

    private final ChatId chat = new ChatId(UUID.fromString("3f2a0000-0000-4000-8000-000000000001"));
    private final JsonLogTelemetry telemetry = new JsonLogTelemetry(new IdHasher("test-salt"), CLOCK);
    private final String hash = new IdHasher("test-salt").hash(chat.value());

    @Test
    void writesEventTimeRequestAndHashedChatFirstThenTheFieldsInOrder() {
        telemetry.emit(TelemetryEvent.info("debug_fault_injected").requestId("req-1").chat(chat)
                .with("kind", "timeout").with("attempt", 2).with("retryAfterMs", null).build());

        assertThat(log.lines()).containsExactly("{\"event\":\"debug_fault_injected\",\"ts\":\"2026-11-26T02:27:13.321Z\","
                + "\"requestId\":\"req-1\",\"chat\":\"" + hash + "\",\"kind\":\"timeout\",\"attempt\":2,\"retryAfterMs\":null}");
        assertThat(log.levels()).containsExactly(Level.INFO);
    }

    @Test
    void leavesOutTheRequestAndTheChatWhenThereAreNone() {
        telemetry.emit(TelemetryEvent.warning("debug_fault_injection_enabled").with("chaos", false)
                .with("rate", 0.25).build());

        assertThat(log.lines()).containsExactly("{\"event\":\"debug_fault_injection_enabled\","
                + "\"ts\":\"2026-11-26T02:27:13.321Z\",\"chaos\":false,\"rate\":0.25}");
        assertThat(log.levels()).containsExactly(Level.WARNING);
    }

    @Test
    void writesChatIdsOnlyAsTheirHashEnumsByNameAndListsAsArrays() {
        telemetry.emit(TelemetryEvent.info("sample").with("other", chat).with("state", BreakerState.Kind.HALF_OPEN)
                .with("backoffMs", Arrays.asList(1000L, 2000L)).build());

        assertThat(log.lines()).singleElement().asString()
                .endsWith("\"other\":\"" + hash + "\",\"state\":\"HALF_OPEN\",\"backoffMs\":[1000,2000]}")
                .doesNotContain(chat.value().toString());
    }

    @Test
    void theSameChatHasTheSameHashInEveryEvent() {
        telemetry.emit(TelemetryEvent.info("one").chat(chat).build());
        new JsonLogTelemetry(new IdHasher("test-salt"), CLOCK).emit(TelemetryEvent.info("two").chat(chat).build());

        assertThat(log.lines()).allSatisfy(line -> assertThat(line).contains("\"chat\":\"" + hash + "\""));
        assertThat(telemetry.chatHash(chat)).isEqualTo(hash);
    }

    @Test
    void eventsRefuseValuesThatCouldCarryContent() {
        assertThatThrownBy(() -> TelemetryEvent.info("leak").with("message", new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'message'");
        assertThatThrownBy(() -> TelemetryEvent.info("leak").with("list", List.of(new StringBuilder("x"), new Object())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TelemetryEvent.info("clash").with("chat", "raw id"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TelemetryEvent.info("Not Snake")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inJsonFormatEachEventIsALibertyJsonRecordOfItsOwnWithTopLevelFieldsAndTheTraceId() {
        java.util.List<String> out = new java.util.ArrayList<>();
        JsonLogTelemetry json = new JsonLogTelemetry(new IdHasher("test-salt"), CLOCK, JsonLogTelemetry.Format.JSON,
                requestId -> "req-1".equals(requestId)
                        ? java.util.Optional.of("4bf92f3577b34da6a3ce929d0e0e4736") : java.util.Optional.empty(),
                out::add);

        json.emit(TelemetryEvent.warning("chat_generation_attempt").requestId("req-1").chat(chat)
                .with("attempt", 2).with("code", "AI_RATE_LIMITED").build());
        json.emit(TelemetryEvent.info("circuit_state_changed").chat(chat).build());

        assertThat(out).containsExactly("{\"type\":\"parley_telemetry\",\"loglevel\":\"WARNING\","
                + "\"module\":\"parley.telemetry\",\"event\":\"chat_generation_attempt\","
                + "\"ts\":\"2026-11-26T02:27:13.321Z\",\"requestId\":\"req-1\","
                + "\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"chat\":\"" + hash + "\",\"attempt\":2,"
                + "\"code\":\"AI_RATE_LIMITED\"}",
                "{\"type\":\"parley_telemetry\",\"loglevel\":\"INFO\",\"module\":\"parley.telemetry\","
                + "\"event\":\"circuit_state_changed\",\"ts\":\"2026-11-26T02:27:13.321Z\",\"chat\":\"" + hash + "\"}");
        assertThat(log.lines()).as("nothing goes to the plain logger").isEmpty();
    }

    @Test
    void theFormatIsSimpleOrJson() {
        assertThat(JsonLogTelemetry.Format.of(" JSON ")).isEqualTo(JsonLogTelemetry.Format.JSON);
        assertThat(JsonLogTelemetry.Format.of("simple")).isEqualTo(JsonLogTelemetry.Format.SIMPLE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonLogTelemetry.Format.of("xml"))
                .hasMessageContaining("parley.log.format");
    }
}
