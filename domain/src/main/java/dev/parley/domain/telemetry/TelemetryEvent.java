package dev.parley.domain.telemetry;

import dev.parley.domain.chat.ChatId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One operational event: a snake_case name, a level, the request it belongs to (if any), the chat it
 * concerns (if any) and further fields in the order they were added. Built with
 * {@code TelemetryEvent.info("debug_fault_injected").requestId(id).chat(chatId).with("kind", "timeout").build()}.
 *
 * <p>Values are restricted to what can be logged safely: {@code null}, strings, numbers, booleans,
 * enums (written as their name), {@link ChatId}s (written as the writer's salted hash, never as the
 * id) and lists of these. Anything else is refused when the event is built, so a message, a persona
 * or an exception cannot slip into a log line by accident; callers still pass no message content,
 * names or secrets, and redact free text first. The names {@value #EVENT}, {@value #TS},
 * {@value #REQUEST_ID} and {@value #CHAT} are the writer's and cannot be used for fields.
 *
 * <p>Immutable and thread-safe.
 */
public final class TelemetryEvent {
    public static final String EVENT = "event";
    public static final String TS = "ts";
    public static final String REQUEST_ID = "requestId";
    public static final String CHAT = "chat";
    private static final Set<String> RESERVED = Set.of(EVENT, TS, REQUEST_ID, CHAT);
    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9_]*");

    /** How much an operator should care. */
    public enum Level {
        INFO, WARNING
    }

    /** One named value of an event. */
    public record Field(String name, Object value) {
        public Field {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || RESERVED.contains(name)) {
                throw new IllegalArgumentException("not a field name: '" + name + "'");
            }
            checkLoggable(name, value);
        }
    }

    private final String name;
    private final Level level;
    private final String requestId;
    private final ChatId chat;
    private final List<Field> fields;

    private TelemetryEvent(Builder builder) {
        this.name = builder.name;
        this.level = builder.level;
        this.requestId = builder.requestId;
        this.chat = builder.chat;
        this.fields = List.copyOf(builder.fields);
    }

    /** An event at {@link Level#INFO}. */
    public static Builder info(String name) {
        return new Builder(name, Level.INFO);
    }

    /** An event at {@link Level#WARNING}. */
    public static Builder warning(String name) {
        return new Builder(name, Level.WARNING);
    }

    public String name() {
        return name;
    }

    public Level level() {
        return level;
    }

    /** The id of the request the event belongs to; empty when there is none (startup, a breaker's own transition). */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The chat the event concerns; the writer shows only its salted hash. */
    public Optional<ChatId> chat() {
        return Optional.ofNullable(chat);
    }

    /** The further fields, in order. */
    public List<Field> fields() {
        return fields;
    }

    /** The value of the field {@code fieldName}; empty when absent or {@code null}. */
    public Optional<Object> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst().map(Field::value);
    }

    /** For debugging and test messages: names and values, with chat ids left out. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append('{');
        text.append(REQUEST_ID).append('=').append(requestId);
        text.append(", ").append(CHAT).append('=').append(chat == null ? "none" : "(hashed)");
        for (Field field : fields) {
            text.append(", ").append(field.name()).append('=')
                    .append(field.value() instanceof ChatId ? "(hashed)" : field.value());
        }
        return text.append('}').toString();
    }

    private static void checkLoggable(String name, Object value) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof ChatId) {
            return;
        }
        if (value instanceof List<?> list) {
            list.forEach(element -> checkLoggable(name, element));
            return;
        }
        throw new IllegalArgumentException("field '" + name + "' holds a " + value.getClass().getName()
                + ": only strings, numbers, booleans, enums, chat ids and lists of them may be logged");
    }

    /** Collects an event; not thread-safe, use it where it was created. */
    public static final class Builder {
        private final String name;
        private final Level level;
        private String requestId;
        private ChatId chat;
        private final List<Field> fields = new ArrayList<>(8);

        private Builder(String name, Level level) {
            this.name = Objects.requireNonNull(name, "name");
            if (!SNAKE_CASE.matcher(name).matches()) {
                throw new IllegalArgumentException("event names are snake_case: '" + name + "'");
            }
            this.level = level;
        }

        /** The request the event belongs to; {@code null} for none. */
        public Builder requestId(String id) {
            this.requestId = id;
            return this;
        }

        /** The chat the event concerns; {@code null} for none. */
        public Builder chat(ChatId chatId) {
            this.chat = chatId;
            return this;
        }

        /** Adds a field (after the ones added before); see the class comment for what {@code value} may be. */
        public Builder with(String fieldName, Object value) {
            Object kept = value instanceof List<?> list ? Collections.unmodifiableList(new ArrayList<>(list)) : value;
            fields.add(new Field(fieldName, kept));
            return this;
        }

        public TelemetryEvent build() {
            return new TelemetryEvent(this);
        }
    }
}
