package dev.parley.ai.openai;

import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.text.TextPolicy;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads one streamed chat completion ({@code "stream": true}): the provider's Server-Sent Events, fed
 * line by line as they arrive ({@link #line}), then the end of the body ({@link #end}).
 *
 * <ul>
 * <li>Each event's {@code data} is a chunk, {@code {"model", "choices": [{"delta": {"content"}, "finish_reason"}]}};
 *     the first choice's content goes to the {@link ReplyDeltas} at once (cleaned as a stored reply is,
 *     a surrogate pair split between two chunks held back until it is whole, nothing past a message's
 *     length) and into the reply. Chunks without choices (usage) or without content (the role, the
 *     finish) add nothing.</li>
 * <li>{@code data: [DONE]} ends the reply; what follows is ignored. Comments ({@code : keep-alive}),
 *     {@code id}, {@code retry} and unknown fields are ignored.</li>
 * <li>An error event ({@code event: error}, or a chunk with an {@code error} member) fails the attempt:
 *     {@code AI_RATE_LIMITED} if its type or code says rate limit, else {@code AI_PROVIDER_UNAVAILABLE}.
 *     A chunk that is not a JSON object is {@code AI_BAD_RESPONSE}; so is a stream longer than
 *     {@code maxChars} (the provider cannot flood us) and one that ends without any content.</li>
 * <li>A body that ends before {@code [DONE]} and before any choice said why it finished was cut:
 *     {@code AI_PROVIDER_UNAVAILABLE}, retryable.</li>
 * </ul>
 *
 * Failures never carry the provider's payload. Not thread-safe: one stream, its lines in order (as the
 * HTTP client's line subscriber delivers them).
 */
final class ChatCompletionStream {
    private static final JsonProvider JSON = JsonProvider.provider();

    private final String requestedModel;
    private final ReplyDeltas deltas;
    private final long maxChars;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType;
    private String model;
    private boolean finished;
    private boolean done;
    private long chars;
    private int forwarded; // code points sent to the deltas
    private String heldBack = "";

    ChatCompletionStream(String requestedModel, ReplyDeltas deltas, long maxChars) {
        this.requestedModel = Objects.requireNonNull(requestedModel, "requestedModel");
        this.deltas = Objects.requireNonNull(deltas, "deltas");
        this.maxChars = maxChars;
    }

    /** Whether a piece of the reply has gone to the deltas. */
    boolean started() {
        return forwarded > 0;
    }

    /** Whether {@code [DONE]} arrived: the reply is complete, whatever else the body holds. */
    boolean done() {
        return done;
    }

    /** One line of the body, without its line terminator. */
    void line(String line) {
        if (done) {
            return;
        }
        chars += line.length() + 1;
        if (chars > maxChars) {
            throw bad("a stream longer than " + maxChars + " characters");
        }
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(":")) {
            return; // a comment: the provider's keep-alive
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        } else if (field.equals("event")) {
            eventType = value;
        }
    }

    /** The body ended: the reply, or why there is none. */
    GeneratedReply end() {
        dispatch(); // a last event without its blank line
        if (!done && !finished) {
            throw new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "the AI provider's stream ended before the reply did");
        }
        if (content.toString().isBlank()) {
            throw bad("a stream without content");
        }
        return new GeneratedReply(content.toString(), model == null ? requestedModel : model);
    }

    private void dispatch() {
        String type = eventType;
        eventType = null;
        if (!hasData) {
            return;
        }
        String payload = data.toString();
        data.setLength(0);
        hasData = false;
        if (payload.equals("[DONE]")) {
            done = true;
            return;
        }
        JsonObject chunk = readObject(payload);
        if ("error".equals(type) || chunk.containsKey("error")) {
            throw errorOf(chunk);
        }
        if (chunk.get("model") instanceof JsonString name && !name.getString().isBlank()) {
            model = name.getString();
        }
        if (!(chunk.get("choices") instanceof JsonArray choices) || choices.isEmpty()
                || !(choices.get(0) instanceof JsonObject choice)) {
            return;
        }
        if (choice.get("delta") instanceof JsonObject delta && delta.get("content") instanceof JsonString text) {
            append(text.getString());
        }
        if (choice.get("finish_reason") instanceof JsonString) {
            finished = true;
        }
    }

    private void append(String text) {
        content.append(text);
        String pending = heldBack + text;
        heldBack = "";
        if (!pending.isEmpty() && Character.isHighSurrogate(pending.charAt(pending.length() - 1))) {
            heldBack = pending.substring(pending.length() - 1); // its low half comes with the next chunk
            pending = pending.substring(0, pending.length() - 1);
        }
        String clean = TextPolicy.cleaned(pending, TextPolicy.Lines.MULTI_LINE);
        int room = Message.MAX_CONTENT_LENGTH - forwarded;
        if (clean.isEmpty() || room <= 0) {
            return;
        }
        int points = clean.codePointCount(0, clean.length());
        if (points > room) {
            clean = clean.substring(0, clean.offsetByCodePoints(0, room));
            points = room;
        }
        forwarded += points;
        deltas.delta(clean);
    }

    private static ParleyException errorOf(JsonObject chunk) {
        String kind = "";
        if (chunk.get("error") instanceof JsonObject error) {
            kind = text(error, "type") + " " + text(error, "code");
        }
        if (kind.toLowerCase(Locale.ROOT).contains("rate_limit")) {
            return new ParleyException(ErrorCode.AI_RATE_LIMITED, "the AI provider's stream reported a rate limit");
        }
        return new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "the AI provider's stream reported an error");
    }

    private static String text(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonString s ? s.getString() : value == null ? "" : value.toString();
    }

    private static JsonObject readObject(String payload) {
        try (JsonReader reader = JSON.createReader(new StringReader(payload))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
        } catch (JsonException | IllegalStateException e) {
            // falls through
        }
        throw bad("a stream chunk that is not a JSON object");
    }

    private static ParleyException bad(String what) {
        return new ParleyException(ErrorCode.AI_BAD_RESPONSE, "the AI provider answered with " + what);
    }
}
