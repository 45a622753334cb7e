package it.dev.parley.contract;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Every exchange the integration tests' HTTP helper ({@link it.dev.parley.support.Api}) made since the
 * last {@link #drain()}: {@link ContractCheck} validates them against the served API document after
 * each test.
 */
public final class Exchanges {
    private static final List<Exchange> RECORDED = new ArrayList<>();

    private Exchanges() {
    }

    /** Records a response of the application rooted at {@code base} (e.g. {@code http://localhost:9280}). */
    public static void record(String base, HttpResponse<String> response) {
        URI uri = response.request().uri();
        String basePath = URI.create(base).getRawPath();
        String path = uri.getRawPath();
        if (basePath != null && !basePath.isEmpty() && path.startsWith(basePath)) {
            path = path.substring(basePath.length());
        }
        Exchange exchange = new Exchange(response.request().method(), path.isEmpty() ? "/" : path, uri.getRawQuery(),
                response.statusCode(), response.headers().map(), response.body());
        synchronized (RECORDED) {
            RECORDED.add(exchange);
        }
    }

    /** The exchanges recorded so far, forgetting them. */
    public static List<Exchange> drain() {
        synchronized (RECORDED) {
            List<Exchange> all = List.copyOf(RECORDED);
            RECORDED.clear();
            return all;
        }
    }
}
