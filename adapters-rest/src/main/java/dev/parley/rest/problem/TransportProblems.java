package dev.parley.rest.problem;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Problems of the HTTP exchange itself, before any use case runs: an unknown route, a wrong method,
 * a wrong content type, an unreadable or oversized body, too many event streams (429, retryable). Their codes extend the domain catalogue and are listed in
 * the README.
 */
public final class TransportProblems {
    /** How long a client refused an event stream should wait: long enough for a slot to free up. */
    static final Duration STREAM_RETRY_AFTER = Duration.ofSeconds(5);
    /** The codes {@link #forStatus} can answer with beyond the domain's, in catalogue order. */
    public static final List<String> CODES = List.of("NOT_FOUND", "METHOD_NOT_ALLOWED", "NOT_ACCEPTABLE",
            "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "TOO_MANY_STREAMS");

    private TransportProblems() {
    }

    public static Problem forStatus(int status, Locale locale) {
        return switch (status) {
            case 400 -> new Problem("VALIDATION_FAILED", 400, false, null,
                    ProblemMessages.detail(locale, "VALIDATION_FAILED.MALFORMED_BODY"));
            case 404 -> problem("NOT_FOUND", 404, locale);
            case 405 -> problem("METHOD_NOT_ALLOWED", 405, locale);
            case 406 -> problem("NOT_ACCEPTABLE", 406, locale);
            case 413 -> problem("PAYLOAD_TOO_LARGE", 413, locale);
            case 415 -> problem("UNSUPPORTED_MEDIA_TYPE", 415, locale);
            case 429 -> new Problem("TOO_MANY_STREAMS", 429, true, STREAM_RETRY_AFTER,
                    ProblemMessages.detail(locale, "TOO_MANY_STREAMS"));
            default -> status >= 500 ? DomainProblems.internal(locale)
                    : new Problem("VALIDATION_FAILED", status, false, null,
                            ProblemMessages.detail(locale, "VALIDATION_FAILED.MALFORMED_BODY"));
        };
    }

    private static Problem problem(String code, int status, Locale locale) {
        return new Problem(code, status, false, null, ProblemMessages.detail(locale, code));
    }
}
