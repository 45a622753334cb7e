package it.dev.parley.contract;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every exchange the integration tests' HTTP helper ({@link it.dev.parley.support.Api}) made, and every
 * event the tests read from an event stream, since the last drain: {@link ContractCheck} validates them
 * against the served API document after each test.
 */
public final class Exchanges {
    private static final List<Exchange> RECORDED = new ArrayList<>();
    private static final List<ServerEvent> EVENTS = new ArrayList<>();

    /** An event of a {@code text/event-stream} response: its name and its data. */
    public record ServerEvent(String name, String data) {
        @Override
        public String toString() {
            return "event: " + name + " data: " + data;
        }
    }

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

    /**
     * Records an exchange a test made by hand (raw HTTP): the request line's method and target (path and
     * query, relative to the application's root), the response's status, headers and body.
     */
    public static void record(String method, String target, int status, Map<String, List<String>> headers,
            String body) {
        int question = target.indexOf('?');
        Exchange exchange = new Exchange(method, question < 0 ? target : target.substring(0, question),
                question < 0 ? null : target.substring(question + 1), status, headers, body);
        synchronized (RECORDED) {
            RECORDED.add(exchange);
        }
    }

    /** Records an event a test read from an event stream ({@link it.dev.parley.support.EventStream}). */
    public static void recordEvent(String name, String data) {
        synchronized (EVENTS) {
            EVENTS.add(new ServerEvent(name, data));
        }
    }

    /** The events recorded so far, forgetting them. */
    public static List<ServerEvent> drainEvents() {
        synchronized (EVENTS) {
            List<ServerEvent> all = List.copyOf(EVENTS);
            EVENTS.clear();
            return all;
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
