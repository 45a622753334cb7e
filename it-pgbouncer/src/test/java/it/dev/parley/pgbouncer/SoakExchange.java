package it.dev.parley.pgbouncer;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Optional;

/**
 * One request of the chaos soak and what came back, as the client saw it: recorded for every request,
 * checked after the run ({@link SoakInvariants}).
 *
 * @param seq         order of recording (0, 1, ...)
 * @param kind        {@code send} (a new turn), {@code retry} (the same key after a failure),
 *                    {@code resend} (the same key after a 201, as a client that lost the response),
 *                    {@code twin} (the same key sent concurrently), {@code reuse} (the key with other
 *                    content), {@code reconcile} (the same key after the run), {@code ticket}
 * @param user        the user's index
 * @param chatId      the chat
 * @param key         the Idempotency-Key sent (or null)
 * @param requestId   the X-Request-Id sent
 * @param startMs     when it was sent, ms since the run started
 * @param endMs       when its answer (or failure) arrived
 * @param status      the HTTP status, or -1 when no answer came (the connection failed or timed out)
 * @param contentType the answer's Content-Type ("" when none)
 * @param retryAfter  the answer's Retry-After ("" when none)
 * @param body        the answer's JSON object (null when it was none)
 * @param transportError what went wrong when no answer came ("" otherwise)
 */
record SoakExchange(long seq, String kind, int user, String chatId, String key, String requestId, long startMs,
        long endMs, int status, String contentType, String retryAfter, JsonObject body, String transportError) {

    boolean answered() {
        return status > 0;
    }

    boolean created() {
        return status == 201;
    }

    boolean replayed() {
        return body != null && body.getBoolean("replayed", false);
    }

    /** The problem's {@code code}, or "" for a success or a body without one. */
    String code() {
        return body == null ? "" : body.getString("code", "");
    }

    /** The id of the user message this answer names: a 201's {@code userMessage.id}, a problem's {@code userMessageId}. */
    Optional<String> userMessageId() {
        if (body == null) {
            return Optional.empty();
        }
        if (created()) {
            return Optional.of(body.getJsonObject("userMessage").getString("id"));
        }
        return Optional.ofNullable(body.getString("userMessageId", null));
    }

    Optional<String> assistantMessageId() {
        return created() ? Optional.of(body.getJsonObject("assistantMessage").getString("id")) : Optional.empty();
    }

    /** The answer's {@code retryMeta}, if it has one. */
    Optional<JsonObject> retryMeta() {
        if (body == null || !body.containsKey("retryMeta") || body.get("retryMeta").getValueType() != JsonValue.ValueType.OBJECT) {
            return Optional.empty();
        }
        return Optional.of(body.getJsonObject("retryMeta"));
    }

    /** An answer a client may retry with the same key: a retryable problem, or none at all. */
    boolean retryable() {
        if (!answered()) {
            return true;
        }
        return status >= 400 && body != null && body.getBoolean("retryable", false);
    }

    /** One line for a report. */
    String line() {
        return String.format("#%d %s user=%d chat=%s key=%s req=%s t=%d..%dms -> %s %s%s", seq, kind, user, chatId, key,
                requestId, startMs, endMs, answered() ? Integer.toString(status) : "no answer (" + transportError + ")",
                code(), userMessageId().map(id -> " userMessage=" + id).orElse(""));
    }
}
