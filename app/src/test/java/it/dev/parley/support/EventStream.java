package it.dev.parley.support;

import it.dev.parley.contract.Exchanges;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A chat's Server-Sent Events ({@code GET /api/chats/{chatId}/events}) read with java.net.http, line
 * by line as the SSE format defines: {@code event:}/{@code data:} lines up to a blank line make an
 * event, a line starting with {@code :} is a comment. Waiting is always bounded by a deadline.
 */
public final class EventStream implements AutoCloseable {
    /** An event ({@code name} and {@code data}) or a comment ({@code name} null, the text in {@code data}). */
    public record Item(String name, String data) {
        boolean isComment() {
            return name == null;
        }

        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(data))) {
                return reader.readObject();
            }
        }
    }

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the chat's stream with the user's bearer token and returns once the response headers are in. */
    public static EventStream open(Api api, String chatId) {
        return open(api.request("/api/chats/" + chatId + "/events", "Accept", "text/event-stream").GET());
    }

    /** Opens the chat's stream with an event-stream ticket, as a browser's EventSource does (no header). */
    public static EventStream openWithTicket(Api api, String chatId, String ticket) {
        return open(api.plainRequest("/api/chats/" + chatId + "/events?ticket=" + ticket, "Accept", "text/event-stream")
                .GET());
    }

    /**
     * Posts {@code json} to {@code path} asking for {@code text/event-stream} (a streamed send), with the
     * user's token and the header pairs given; returns once the response headers are in.
     */
    public static EventStream post(Api api, String path, String json, String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 4);
        all[headers.length] = "Accept";
        all[headers.length + 1] = "text/event-stream";
        all[headers.length + 2] = "Content-Type";
        all[headers.length + 3] = "application/json";
        return open(api.request(path, all).POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
    }

    private static EventStream open(java.net.http.HttpRequest.Builder request) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            return new EventStream(response);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    /** A response header's first value, if any. */
    public java.util.Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private void read() {
        String name = null;
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith(":")) {
                    items.add(new Item(null, line.substring(1).strip()));
                } else if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        items.add(new Item(name == null ? "message" : name, data.toString()));
                        Exchanges.recordEvent(name == null ? "message" : name, data.toString()); // ContractCheck
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            }
        } catch (RuntimeException closed) {
            // the stream was closed by the test or the server
        } finally {
            ended.countDown();
        }
    }

    /** Whether the server ended the stream within {@code wait}. */
    public boolean awaitEnd(Duration wait) {
        try {
            return ended.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The next event (comments skipped); fails after {@code wait}. */
    public Item next(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            Item item = poll(until, "an event");
            if (!item.isComment()) {
                return item;
            }
        }
    }

    /** The next event, which must be named {@code name}; returns its JSON data. */
    public JsonObject next(String name, Duration wait) {
        Item item = next(wait);
        if (!name.equals(item.name())) {
            throw new AssertionError("expected a '" + name + "' event, got '" + item.name() + "': " + item.data());
        }
        return item.json();
    }

    /** Waits for a comment with this text, skipping anything before it. */
    public void awaitComment(String text, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            Item item = poll(until, "the comment ':" + text + "'");
            if (item.isComment() && item.data().equals(text)) {
                return;
            }
        }
    }

    private Item poll(long until, String what) {
        try {
            Item item = items.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError(what + " did not arrive in time");
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
