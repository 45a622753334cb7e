package dev.parley.rest.problem;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What an error response needs to know about its request, captured on the request thread (an
 * asynchronous response may be written from another one): the request id, the client's language
 * and the path.
 */
public record RequestInfo(String requestId, Locale locale, String path) {
    /** The servlet request attribute (and JAX-RS request property) holding the request id. */
    public static final String REQUEST_ID_ATTRIBUTE = "parley.requestId";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public RequestInfo {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(path, "path");
    }

    public static RequestInfo from(HttpServletRequest request) {
        return new RequestInfo(requestId(request), Languages.pick(request.getHeader("Accept-Language")),
                request.getRequestURI());
    }

    /** The request's id: the one already assigned, else the client's {@code X-Request-Id} if sane, else a new one. */
    public static String requestId(HttpServletRequest request) {
        Object assigned = request.getAttribute(REQUEST_ID_ATTRIBUTE);
        if (assigned instanceof String id) {
            return id;
        }
        String fromClient = request.getHeader(REQUEST_ID_HEADER);
        String id = fromClient != null && CLIENT_ID.matcher(fromClient).matches() ? fromClient
                : UUID.randomUUID().toString();
        request.setAttribute(REQUEST_ID_ATTRIBUTE, id);
        return id;
    }
}
