package dev.parley.telemetry;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one writer of Parley's telemetry: every {@link TelemetryEvent} becomes one JSON object on one
 * line of the {@value #LOGGER_NAME} java.util.logging logger (which Liberty writes to
 * {@code messages.log}), in this order:
 * <pre>{"event":"debug_fault_injected","ts":"2026-…Z","requestId":"…","chat":"3f2a…","kind":"timeout",…}</pre>
 * {@code ts} is the writer's clock; {@code requestId} and {@code chat} appear when the event has them;
 * every chat id, whether the event's or a field's, is written as its salted hash ({@link IdHasher}),
 * so one chat has one hash in every event. Warnings go out at {@link Level#WARNING}, the rest at
 * {@link Level#INFO}. A failure to write is logged and swallowed: telemetry never fails a request.
 *
 * <p>Thread-safe.
 */
public final class JsonLogTelemetry implements TelemetryEvents {
    /** The logger every event is written to. */
    public static final String LOGGER_NAME = "parley.telemetry";
    private static final Logger LOG = Logger.getLogger(LOGGER_NAME);

    private final IdHasher hasher;
    private final Clock clock;

    public JsonLogTelemetry(IdHasher hasher, Clock clock) {
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The salted hash under which {@code chatId} appears in events. */
    public String chatHash(ChatId chatId) {
        return hasher.hash(chatId.value());
    }

    @Override
    public void emit(TelemetryEvent event) {
        Level level = event.level() == TelemetryEvent.Level.WARNING ? Level.WARNING : Level.INFO;
        if (!LOG.isLoggable(level)) {
            return;
        }
        try {
            LOG.log(level, json(event));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the telemetry event " + event.name(), e);
        }
    }

    /** The event as one line of JSON. */
    String json(TelemetryEvent event) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add(TelemetryEvent.EVENT, event.name())
                .add(TelemetryEvent.TS, clock.instant().toString());
        event.requestId().ifPresent(id -> json.add(TelemetryEvent.REQUEST_ID, id));
        event.chat().ifPresent(chat -> json.add(TelemetryEvent.CHAT, chatHash(chat)));
        for (TelemetryEvent.Field field : event.fields()) {
            json.add(field.name(), value(field.value()));
        }
        return json.build().toString();
    }

    private JsonValue value(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Json.createValue(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return Json.createValue(big);
        }
        if (value instanceof BigDecimal big) {
            return Json.createValue(big);
        }
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            return Json.createValue(n.doubleValue());
        }
        if (value instanceof ChatId chat) {
            return Json.createValue(chatHash(chat));
        }
        if (value instanceof Enum<?> e) {
            return Json.createValue(e.name());
        }
        if (value instanceof List<?> list) {
            JsonArrayBuilder array = Json.createArrayBuilder();
            list.forEach(element -> array.add(value(element)));
            return array.build();
        }
        return Json.createValue(value.toString());
    }
}
