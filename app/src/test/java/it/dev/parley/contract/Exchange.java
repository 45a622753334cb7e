package it.dev.parley.contract;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP exchange as the contract sees it: the request's method and path (relative to the
 * application's root, without the query) and the response's status, headers and body.
 */
public record Exchange(String method, String path, String query, int status, Map<String, List<String>> headers,
        String body) {
    public Exchange {
        method = method.toUpperCase(Locale.ROOT);
        Map<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> caseInsensitive.put(name, List.copyOf(values)));
        headers = caseInsensitive;
        body = body == null ? "" : body;
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The response's media type without parameters, lower case (empty when it has none). */
    public String mediaType() {
        return header("Content-Type").map(t -> t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)).orElse("");
    }

    /** How a failure names the exchange: the request, then what came back. */
    @Override
    public String toString() {
        String shown = body.length() > 600 ? body.substring(0, 600) + "…" : body;
        return method + " " + path + (query == null || query.isEmpty() ? "" : "?" + query) + " -> " + status + " "
                + header("Content-Type").orElse("(no Content-Type)") + " " + shown;
    }
}
