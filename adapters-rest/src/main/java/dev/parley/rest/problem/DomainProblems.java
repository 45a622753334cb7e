package dev.parley.rest.problem;

import dev.parley.application.chat.SendMessageFailedException;
import dev.parley.application.limit.UserRateLimitedException;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.resilience.GuardedExecutionException;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.retry.StopReason;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the core's failures into problems. This is the one place where an {@link ErrorCode} gets
 * its HTTP status (docs/architecture.md#error-catalogue).
 */
public final class DomainProblems {
    /** Looked up once: {@code Json.createX} looks the provider up on every call (a service-loader scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Map<ErrorCode, Integer> STATUS = new EnumMap<>(ErrorCode.class);

    static {
        STATUS.put(ErrorCode.VALIDATION_FAILED, 400);
        STATUS.put(ErrorCode.UNAUTHENTICATED, 401);
        STATUS.put(ErrorCode.INSUFFICIENT_TOKENS, 402);
        STATUS.put(ErrorCode.CHAT_NOT_FOUND, 404);
        STATUS.put(ErrorCode.REQUEST_IN_PROGRESS, 409);
        STATUS.put(ErrorCode.IDEMPOTENCY_KEY_REUSED, 422);
        STATUS.put(ErrorCode.MODERATION_BLOCKED, 422);
        STATUS.put(ErrorCode.AI_RATE_LIMITED, 429);
        STATUS.put(ErrorCode.USER_RATE_LIMITED, 429);
        STATUS.put(ErrorCode.AI_BAD_RESPONSE, 502);
        STATUS.put(ErrorCode.AI_PROVIDER_UNAVAILABLE, 503);
        STATUS.put(ErrorCode.CIRCUIT_OPEN, 503);
        STATUS.put(ErrorCode.DATABASE_UNAVAILABLE, 503);
        STATUS.put(ErrorCode.AI_PROVIDER_TIMEOUT, 504);
        STATUS.put(ErrorCode.INTERNAL_ERROR, 500);
    }

    private DomainProblems() {
    }

    public static int status(ErrorCode code) {
        return STATUS.get(code);
    }

    public static Problem of(ParleyException e, Locale locale) {
        ErrorCode code = e.code();
        String detail;
        if (e instanceof ValidationException v) {
            detail = ProblemMessages.detail(locale, "VALIDATION_FAILED." + v.reason(), v.field(), v.limit());
        } else if (e instanceof UserRateLimitedException limited) {
            detail = ProblemMessages.detail(locale, "USER_RATE_LIMITED." + limited.limit(), limited.max());
        } else {
            detail = ProblemMessages.detail(locale, code.name());
        }
        Problem problem = new Problem(code.name(), status(code), code.retryable(), e.retryAfter().orElse(null), detail);
        if (e instanceof ValidationException v) {
            problem = problem.with("field", v.field());
        }
        if (e instanceof UserRateLimitedException limited) {
            problem = problem.with("limit", limited.limit().setting());
        }
        if (e instanceof SendMessageFailedException failed) {
            problem = problem.with("chatId", failed.chatId().value()).with("userMessageId",
                    failed.userMessageId().value());
            if (failed.retryMeta().isPresent()) {
                problem = problem.with("retryMeta", json(failed.retryMeta().get(), stopReason(failed)));
            }
        }
        return problem;
    }

    private static JsonObject json(RetryMeta meta, Optional<StopReason> stopReason) {
        JsonArrayBuilder backoff = JSON.createArrayBuilder();
        meta.backoffMs().forEach(backoff::add);
        var json = JSON.createObjectBuilder()
                .add("attempts", meta.attempts())
                .add("retries", meta.retries())
                .add("backoffMs", backoff)
                .add("totalDurationMs", meta.totalDurationMs())
                .add("breakerState", meta.breakerState().name());
        stopReason.ifPresent(reason -> json.add("stopReason", reason.name()));
        return json.build();
    }

    /** Why the generation stopped trying, when it was the guarded executor that stopped it. */
    private static Optional<StopReason> stopReason(SendMessageFailedException failed) {
        return failed.getCause() instanceof GuardedExecutionException guarded ? Optional.of(guarded.stopReason())
                : Optional.empty();
    }

    /** The problem for anything unexpected: a bare 500 that reveals nothing of the cause. */
    public static Problem internal(Locale locale) {
        return new Problem(ErrorCode.INTERNAL_ERROR.name(), 500, false, null,
                ProblemMessages.detail(locale, ErrorCode.INTERNAL_ERROR.name()));
    }
}
