package it.dev.parley.pgbouncer;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An event stream read as a browser's {@code EventSource} would, over HTTP/1.1: the events (id, name,
 * data) as they arrive, and whether the {@code :connected} comment came. {@link #close()} drops the
 * connection, as a lost network would.
 */
final class SseStream implements AutoCloseable {
    /** One event as received. */
    record Event(String id, String name, String data) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private volatile boolean connected;
    private volatile int status;
    private volatile Stream<String> body;
    private volatile boolean closed;
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    /** Opens {@code url} with the {@code headers}; returns once its {@code :connected} comment arrived. */
    static SseStream open(String url, Map<String, String> headers) {
        SseStream stream = new SseStream(url, headers);
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!stream.connected) {
            if (stream.status != 0 && stream.status != 200 || System.nanoTime() > until) {
                stream.close();
                fail("no event stream at " + url + ": status " + stream.status);
            }
            sleep(20);
        }
        return stream;
    }

    private SseStream(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        response = http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> {
            status = r.statusCode();
            body = r.body();
            if (closed) {
                body.close();
            }
            read(body);
        });
    }

    private void read(Stream<String> lines) {
        String id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (name != null || data.length() > 0) {
                        events.add(new Event(id, name == null ? "message" : name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    if (line.substring(1).strip().equals("connected")) { // written as ": connected"
                        connected = true;
                    }
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).strip());
                }
            }
        } catch (RuntimeException closed) {
            // the connection was dropped: what arrived stays
        }
    }

    /** The HTTP status once the response started (0 before). */
    int status() {
        return status;
    }

    List<Event> events() {
        return new ArrayList<>(events);
    }

    /** The ids of the events received, in order. */
    List<String> ids() {
        return events().stream().map(Event::id).toList();
    }

    /** Waits up to {@code timeout} until {@code done} holds for the events received. */
    boolean await(Predicate<List<Event>> done, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!done.test(events())) {
            if (System.nanoTime() > until) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        response.cancel(true);
        Stream<String> lines = body;
        if (lines != null) {
            lines.close(); // drops the connection, as a lost network would
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
