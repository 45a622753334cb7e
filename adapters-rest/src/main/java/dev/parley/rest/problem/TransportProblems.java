package dev.parley.rest.problem;

import java.util.Locale;

/**
 * Problems of the HTTP exchange itself, before any use case runs: an unknown route, a wrong method,
 * a wrong content type, an unreadable body. Their codes extend the domain catalogue and are listed in
 * the README.
 */
public final class TransportProblems {
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
            default -> status >= 500 ? DomainProblems.internal(locale)
                    : new Problem("VALIDATION_FAILED", status, false, null,
                            ProblemMessages.detail(locale, "VALIDATION_FAILED.MALFORMED_BODY"));
        };
    }

    private static Problem problem(String code, int status, Locale locale) {
        return new Problem(code, status, false, null, ProblemMessages.detail(locale, code));
    }
}
