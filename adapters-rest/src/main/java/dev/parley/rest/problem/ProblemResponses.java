package dev.parley.rest.problem;

import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a {@link Problem} as {@code application/problem+json} with {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance} and the members {@code code}, {@code retryable},
 * {@code retryAfterSeconds}, {@code requestId}; sets {@code Retry-After} and {@code X-Request-Id}.
 * 429 and 503 always carry {@code Retry-After} (1 s when the cause gave no better hint).
 */
public final class ProblemResponses {
    /** Looked up once: {@code Json.createX} looks the provider up on every call (a service-loader scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:parley:problem:";

    private ProblemResponses() {
    }

    public static Response toResponse(Problem problem, RequestInfo request) {
        long retryAfter = retryAfterSeconds(problem);
        Response.ResponseBuilder response = Response.status(problem.status())
                .type(PROBLEM_JSON + ";charset=UTF-8")
                .header(RequestInfo.REQUEST_ID_HEADER, request.requestId())
                .header(HttpHeaders.CONTENT_LANGUAGE, request.locale().getLanguage())
                .entity(body(problem, request));
        if (retryAfter >= 0) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        }
        return response.build();
    }

    /**
     * The problem's JSON body, as {@link #toResponse} sends it: also what a streamed reply's
     * {@code failed} event carries, where no status line or header can tell it any more.
     */
    public static String body(Problem problem, RequestInfo request) {
        long retryAfter = retryAfterSeconds(problem);
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("type", TYPE_PREFIX + problem.code().toLowerCase(Locale.ROOT).replace('_', '-'))
                .add("title", ProblemMessages.title(problem.code()))
                .add("status", problem.status())
                .add("detail", problem.detail())
                .add("instance", request.path())
                .add("code", problem.code())
                .add("retryable", problem.retryable())
                .add("requestId", request.requestId());
        if (retryAfter >= 0) {
            body.add("retryAfterSeconds", retryAfter);
        }
        for (Map.Entry<String, Object> e : problem.extensions().entrySet()) {
            Object v = e.getValue();
            if (v instanceof Number n) {
                body.add(e.getKey(), n.longValue());
            } else if (v instanceof Boolean b) {
                body.add(e.getKey(), b);
            } else if (v instanceof UUID || v instanceof CharSequence) {
                body.add(e.getKey(), v.toString());
            } else if (v instanceof jakarta.json.JsonValue json) {
                body.add(e.getKey(), json);
            } else if (v != null) {
                body.add(e.getKey(), v.toString());
            }
        }
        return body.build().toString();
    }

    /** 429 and 503 always name a wait (1 s when the cause gave no better hint); -1 for none. */
    private static long retryAfterSeconds(Problem problem) {
        long retryAfter = problem.retryAfterSeconds();
        return retryAfter < 0 && (problem.status() == 429 || problem.status() == 503) ? 1 : retryAfter;
    }
}
