package dev.parley.ai.telemetry;

import dev.parley.domain.chat.ChatId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Structured telemetry of the AI adapters (docs/architecture.md#telemetry): one JSON object per log line on the
 * {@value #LOGGER_NAME} logger, e.g. {@code {"event":"debug_fault_injected","chat":"3f2a…","kind":"timeout"}}.
 * Chat ids only appear as salted hashes ({@link #chatHash(ChatId)}); callers pass no content, names
 * or secrets, and free text goes through {@link Redaction} first.
 *
 * <p>The salt is {@code parley.telemetry.salt}; when it is unset a random salt is drawn at startup
 * (hashes then correlate within one run only). Thread-safe.
 */
@ApplicationScoped
public class Telemetry {
    /** The logger every event is written to. */
    public static final String LOGGER_NAME = "parley.telemetry";
    private static final Logger LOG = Logger.getLogger(LOGGER_NAME);

    @Inject
    @ConfigProperty(name = "parley.telemetry.salt")
    Optional<String> salt;

    private IdHasher hasher;

    /** For CDI. */
    protected Telemetry() {
    }

    private Telemetry(String salt) {
        this.hasher = new IdHasher(salt);
    }

    /** Telemetry hashing ids with the given salt (tests, and code built outside CDI). */
    public static Telemetry withSalt(String salt) {
        return new Telemetry(salt);
    }

    @PostConstruct
    void init() {
        hasher = new IdHasher(salt.filter(s -> !s.isBlank()).orElseGet(Telemetry::randomSalt));
    }

    /** The salted hash under which a chat appears in events. */
    public String chatHash(ChatId chatId) {
        return hasher.hash(chatId.value());
    }

    /** Writes the event at INFO. Values must be strings, numbers or booleans (others are written as text). */
    public void event(String name, Map<String, ?> fields) {
        event(Level.INFO, name, fields);
    }

    /** Writes the event at the given level. */
    public void event(Level level, String name, Map<String, ?> fields) {
        if (!LOG.isLoggable(level)) {
            return;
        }
        JsonObjectBuilder json = Json.createObjectBuilder().add("event", name);
        fields.forEach((key, value) -> {
            if (value == null) {
                json.addNull(key);
            } else if (value instanceof Boolean b) {
                json.add(key, b);
            } else if (value instanceof Integer || value instanceof Long) {
                json.add(key, ((Number) value).longValue());
            } else if (value instanceof Number n) {
                json.add(key, n.doubleValue());
            } else {
                json.add(key, value.toString());
            }
        });
        LOG.log(level, json.build().toString());
    }

    /** The fields of an event, in the given order: {@code fields("kind", "timeout", "attempt", 2)}. */
    public static Map<String, Object> fields(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields come in name/value pairs");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    private static String randomSalt() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
