package dev.parley.ai.openai;

import dev.parley.domain.common.Failures;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Maps every upstream outcome to the domain taxonomy (docs/architecture.md#error-catalogue). Messages are for developers and
 * never contain the provider's payload or the user's content:
 * <ul>
 * <li>2xx with a first choice whose message has non-blank content: the reply; anything else (empty
 * body, malformed JSON, no choices, empty content, a body over
 * {@link OpenAiDefaults#MAX_RESPONSE_BYTES}): {@code AI_BAD_RESPONSE};</li>
 * <li>429: {@code AI_RATE_LIMITED} with the provider's delay ({@code retry-after-ms} or
 * {@code Retry-After}) as the retry hint;</li>
 * <li>408: {@code AI_PROVIDER_TIMEOUT}; other 4xx: {@link ProviderRejectedException} (not
 * retryable);</li>
 * <li>5xx: {@code AI_PROVIDER_UNAVAILABLE} (with the provider's delay, if it sent one); 1xx/3xx:
 * {@code AI_BAD_RESPONSE};</li>
 * <li>no answer in time: {@code AI_PROVIDER_TIMEOUT}; no connection, reset, I/O error:
 * {@code AI_PROVIDER_UNAVAILABLE}.</li>
 * </ul>
 */
final class ChatCompletionsResponses {
    /** Looked up once: {@code Json.createX} looks the provider up on every call (a service-loader scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    private ChatCompletionsResponses() {
    }

    /** The outcome of a response: the reply, or the failure to complete the attempt with. */
    static GeneratedReply reply(int status, HttpHeaders headers, String body, String requestedModel, Clock clock) {
        if (status >= 200 && status < 300) {
            return parse(body, requestedModel);
        }
        if (status == 429) {
            throw new ParleyException(ErrorCode.AI_RATE_LIMITED, "the AI provider is rate limiting (HTTP 429)",
                    RetryAfterHeaders.parse(headers, clock).orElse(null));
        }
        if (status == 408) {
            throw new ParleyException(ErrorCode.AI_PROVIDER_TIMEOUT, "the AI provider timed out (HTTP 408)");
        }
        if (status >= 400 && status < 500) {
            throw new ProviderRejectedException(status);
        }
        if (status >= 500) {
            throw new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "the AI provider failed (HTTP " + status + ")",
                    RetryAfterHeaders.parse(headers, clock).orElse(null));
        }
        throw new ParleyException(ErrorCode.AI_BAD_RESPONSE, "unexpected HTTP " + status + " from the AI provider");
    }

    /** The failure for an exchange that produced no response. */
    static ParleyException transportFailure(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ParleyException decided) {
            return decided; // the body handler's verdict (a body over the limit)
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
            return new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "cannot connect to the AI provider", null, cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new ParleyException(ErrorCode.AI_PROVIDER_TIMEOUT, "the AI provider did not answer in time (HTTP client timeout)",
                    null, cause);
        }
        if (cause instanceof IOException) {
            return new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "the connection to the AI provider failed: "
                    + cause.getClass().getSimpleName(), null, cause);
        }
        return new ParleyException(ErrorCode.INTERNAL_ERROR, "calling the AI provider failed unexpectedly", null, cause);
    }

    /**
     * The provider's own error message from an error body ({@code {"error":{"message":...}}}), if
     * any; callers must redact it before logging.
     */
    static Optional<String> errorMessage(String body) {
        return readObject(body).map(json -> json.get("error")).flatMap(error -> {
            if (error instanceof JsonObject object && object.get("message") instanceof JsonString message) {
                return Optional.of(message.getString());
            }
            if (error instanceof JsonString message) {
                return Optional.of(message.getString());
            }
            return Optional.empty();
        });
    }

    /**
     * The answer's {@code id} and {@code usage.prompt_tokens} / {@code usage.completion_tokens}
     * (for telemetry), if the body is a JSON object.
     */
    static Optional<ProviderCallTelemetry.Usage> usage(String body) {
        return readObject(body).map(json -> {
            Optional<String> id = json.get("id") instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
            JsonObject usage = json.get("usage") instanceof JsonObject u ? u : JsonValue.EMPTY_JSON_OBJECT;
            return new ProviderCallTelemetry.Usage(id, count(usage, "prompt_tokens"), count(usage, "completion_tokens"));
        });
    }

    private static OptionalLong count(JsonObject usage, String name) {
        return usage.get(name) instanceof JsonNumber n && n.isIntegral() && n.longValue() >= 0
                ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
    }

    private static GeneratedReply parse(String body, String requestedModel) {
        if (body == null || body.isBlank()) {
            throw badResponse("an empty body");
        }
        JsonObject json = readObject(body).orElseThrow(() -> badResponse("a body that is not a JSON object"));
        if (!(json.get("choices") instanceof JsonArray choices) || choices.isEmpty()) {
            throw badResponse("no choices");
        }
        if (!(choices.get(0) instanceof JsonObject choice) || !(choice.get("message") instanceof JsonObject message)
                || !(message.get("content") instanceof JsonString content) || content.getString().isBlank()) {
            throw badResponse("a first choice without content");
        }
        String model = json.get("model") instanceof JsonString name && !name.getString().isBlank()
                ? name.getString() : requestedModel;
        return new GeneratedReply(content.getString(), model);
    }

    private static Optional<JsonObject> readObject(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = JSON.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            return value instanceof JsonObject object ? Optional.of(object) : Optional.empty();
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static ParleyException badResponse(String what) {
        return new ParleyException(ErrorCode.AI_BAD_RESPONSE, "the AI provider answered with " + what);
    }

    private static Throwable unwrap(Throwable error) {
        return Failures.unwrap(error);
    }
}
