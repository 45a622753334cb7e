package dev.parley.telemetry;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one writer of Parley's telemetry: every {@link TelemetryEvent} becomes one JSON object on one
 * line of the {@value #LOGGER_NAME} java.util.logging logger (which Liberty writes to
 * {@code messages.log}), in this order:
 * <pre>{"event":"debug_fault_injected","ts":"2026-…Z","requestId":"…","chat":"3f2a…","kind":"timeout",…}</pre>
 * {@code ts} is the writer's clock; {@code requestId} and {@code chat} appear when the event has them,
 * {@code traceId} when the request's turn (or the writing thread) has a sampled trace;
 * every chat id, whether the event's or a field's, is written as its salted hash ({@link IdHasher}),
 * so one chat has one hash in every event. Warnings go out at {@link Level#WARNING}, the rest at
 * {@link Level#INFO}. A failure to write is logged and swallowed: telemetry never fails a request.
 *
 * <p>With {@link Format#JSON} ({@code parley.log.format=json}, where Liberty writes its own logs as
 * JSON too and lets applications write JSON lines, {@code appsWriteJson}) the same object, with
 * Liberty's {@code type}, {@code loglevel} and {@code module} fields in front, is written to
 * standard output, so that in {@code messages.log} and on the console every field of the event is
 * a top-level field of the record instead of a string inside Liberty's {@code message}.
 *
 * <p>Thread-safe.
 */
public final class JsonLogTelemetry implements TelemetryEvents {
    /** Looked up once: {@code Json.createX} looks the provider up on every call (a service-loader scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    /** The logger every event is written to. */
    public static final String LOGGER_NAME = "parley.telemetry";
    private static final Logger LOG = Logger.getLogger(LOGGER_NAME);
    /** The field with the W3C trace id of the event's request, when it is traced. */
    public static final String TRACE_ID = "traceId";

    /** How the events are written: {@code parley.log.format}. */
    public enum Format {
        /** one JSON object inside a plain Liberty log record of {@value #LOGGER_NAME} */
        SIMPLE,
        /** one JSON record of its own, beside Liberty's JSON records */
        JSON;

        /** {@code simple} or {@code json} (case ignored). */
        public static Format of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parley.log.format must be simple or json, not " + name, e);
            }
        }
    }

    /** The {@code type} of the records written in {@link Format#JSON}. */
    public static final String JSON_RECORD_TYPE = "parley_telemetry";

    private final IdHasher hasher;
    private final Clock clock;
    private final Format format;
    private final Function<String, Optional<String>> traceIds;
    private final Consumer<String> standardOut;

    /** Plain Liberty log records, without trace ids. */
    public JsonLogTelemetry(IdHasher hasher, Clock clock) {
        this(hasher, clock, Format.SIMPLE, requestId -> Optional.empty());
    }

    /**
     * @param traceIds the trace id of a request (its argument may be {@code null}: an event of no request)
     */
    public JsonLogTelemetry(IdHasher hasher, Clock clock, Format format, Function<String, Optional<String>> traceIds) {
        this(hasher, clock, format, traceIds, line -> System.out.println(line));
    }

    JsonLogTelemetry(IdHasher hasher, Clock clock, Format format, Function<String, Optional<String>> traceIds,
            Consumer<String> standardOut) {
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.format = Objects.requireNonNull(format, "format");
        this.traceIds = Objects.requireNonNull(traceIds, "traceIds");
        this.standardOut = Objects.requireNonNull(standardOut, "standardOut");
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
            if (format == Format.JSON) {
                standardOut.accept(record(event, level));
            } else {
                LOG.log(level, json(event));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the telemetry event " + event.name(), e);
        }
    }

    /** The event as one line of JSON. */
    String json(TelemetryEvent event) {
        return fields(JSON.createObjectBuilder(), event).build().toString();
    }

    /** The event as a Liberty JSON log record of its own ({@link Format#JSON}). */
    String record(TelemetryEvent event, Level level) {
        JsonObjectBuilder record = JSON.createObjectBuilder()
                .add("type", JSON_RECORD_TYPE)
                .add("loglevel", level == Level.WARNING ? "WARNING" : "INFO")
                .add("module", LOGGER_NAME);
        return fields(record, event).build().toString();
    }

    private JsonObjectBuilder fields(JsonObjectBuilder json, TelemetryEvent event) {
        json.add(TelemetryEvent.EVENT, event.name())
                .add(TelemetryEvent.TS, clock.instant().toString());
        event.requestId().ifPresent(id -> json.add(TelemetryEvent.REQUEST_ID, id));
        traceIds.apply(event.requestId().orElse(null)).ifPresent(id -> json.add(TRACE_ID, id));
        event.chat().ifPresent(chat -> json.add(TelemetryEvent.CHAT, chatHash(chat)));
        for (TelemetryEvent.Field field : event.fields()) {
            json.add(field.name(), value(field.value()));
        }
        return json;
    }

    private JsonValue value(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return JSON.createValue(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return JSON.createValue(big);
        }
        if (value instanceof BigDecimal big) {
            return JSON.createValue(big);
        }
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            return JSON.createValue(n.doubleValue());
        }
        if (value instanceof ChatId chat) {
            return JSON.createValue(chatHash(chat));
        }
        if (value instanceof Enum<?> e) {
            return JSON.createValue(e.name());
        }
        if (value instanceof List<?> list) {
            JsonArrayBuilder array = JSON.createArrayBuilder();
            list.forEach(element -> array.add(value(element)));
            return array.build();
        }
        return JSON.createValue(value.toString());
    }
}
