package it.dev.parley.pgbouncer;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's client side: users sending turns on their chats (concurrently, two workers per user over
 * a chat with each persona, so personas are shared by every user), retrying failures with the same
 * {@code Idempotency-Key} as a client that wants its answer would, re-sending a share of answered turns
 * with the same key (as a client that lost the response), sending a share of keys twice at once, and a
 * few with other content; one event stream per user (ticket, then SSE), reopened whenever it ends; and
 * {@code /health/ready} polled all along. Every request and its answer is recorded ({@link SoakExchange}).
 * HTTP/1.1 only.
 */
final class SoakLoad {
    /** Share of 201s re-sent with the same key and content. */
    static final double RESEND_SHARE = 0.2;
    /** Share of new turns sent twice at once with the same key. */
    static final double TWIN_SHARE = 0.05;
    /** Share of new turns whose key is then sent with other content. */
    static final double REUSE_SHARE = 0.03;
    /** Retries of a failed turn during the load (more after it, {@link #reconcile}). */
    static final int RETRIES = 4;
    /** How long a client waits for any answer: beyond the server's 60 s for a suspended send. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(75);

    /** One signed-in user and its chats (the first one's events are watched). */
    record User(int index, String subject, String id, List<String> chats) {
    }

    /** One {@code /health/ready} answer (status -1: none) at {@code atMs} since the run started. */
    record Readiness(long atMs, int status) {
    }

    private final String baseUrl;
    private final String runId;
    private final long startNanos = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong seq = new AtomicLong();
    private final ConcurrentLinkedQueue<SoakExchange> exchanges = new ConcurrentLinkedQueue<>();
    private final List<Readiness> readiness = new CopyOnWriteArrayList<>();
    private final Map<String, String> contentOfKey = new ConcurrentHashMap<>();
    private final Set<String> streamedMessageIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong streamsOpened = new AtomicLong();
    private final AtomicLong streamEvents = new AtomicLong();
    private final AtomicLong streamRefusals = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<InputStream> openStreams = new CopyOnWriteArrayList<>();
    private volatile boolean sending = true;
    private volatile boolean running = true;

    SoakLoad(String baseUrl, String runId) {
        this.baseUrl = baseUrl;
        this.runId = runId;
    }

    long nowMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Starts the readiness poller, each user's event stream and {@code workersPerUser} senders per user. */
    void start(List<User> users, int workersPerUser, long seed) {
        spawn("soak-ready", this::pollReadiness);
        for (User user : users) {
            spawn("soak-events-" + user.index(), () -> watch(user));
            for (int w = 0; w < workersPerUser; w++) {
                Random random = new Random(seed * 31 + user.index() * 7L + w);
                spawn("soak-send-" + user.index() + "-" + w, () -> sendLoop(user, random));
            }
        }
    }

    /** Stops new turns and waits for the senders to finish theirs (each answer arrives within the request timeout). */
    void stopSending() {
        sending = false;
        for (Thread t : threads) {
            if (t.getName().startsWith("soak-send-")) {
                join(t);
            }
        }
    }

    /** Ends the event streams and the readiness poller. */
    void stopAll() {
        sending = false;
        running = false;
        for (InputStream in : openStreams) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
        threads.forEach(SoakLoad::join);
    }

    List<SoakExchange> exchanges() {
        return exchanges.stream().sorted(java.util.Comparator.comparingLong(SoakExchange::seq)).toList();
    }

    List<Readiness> readiness() {
        return List.copyOf(readiness);
    }

    Set<String> streamedMessageIds() {
        return Set.copyOf(streamedMessageIds);
    }

    long streamsOpened() {
        return streamsOpened.get();
    }

    long streamEvents() {
        return streamEvents.get();
    }

    long streamRefusals() {
        return streamRefusals.get();
    }

    /** The content sent with each key. */
    Map<String, String> contentOfKey() {
        return Map.copyOf(contentOfKey);
    }

    private void sendLoop(User user, Random random) {
        long turn = 0;
        while (sending) {
            String chat = user.chats().get(random.nextInt(user.chats().size()));
            String key = runId + "-u" + user.index() + "-" + Thread.currentThread().getName().replaceAll(".*-", "w")
                    + "-" + turn++;
            String content = "Soak turn " + key + ": how are the engines, " + (random.nextBoolean() ? "captain" : "professor") + "?";
            contentOfKey.put(key, content);
            SoakExchange answer;
            if (random.nextDouble() < TWIN_SHARE) {
                answer = twins(user, chat, key, content);
            } else {
                answer = send("send", user, chat, key, content);
            }
            for (int retry = 0; retry < RETRIES && sending && answer.retryable(); retry++) {
                pause(retryWait(answer));
                answer = send("retry", user, chat, key, content);
            }
            if (answer.created() && random.nextDouble() < RESEND_SHARE) {
                send("resend", user, chat, key, content);
            }
            if (random.nextDouble() < REUSE_SHARE) {
                send("reuse", user, chat, key, "Other content under " + key);
            }
            // a client told no (402, 422) does not hammer: it waits a second
            pause(answer.answered() && answer.status() >= 400 && !answer.retryable() ? 1_000 : random.nextInt(200));
        }
    }

    /** The same key sent twice at once (a double click); the answer of the first to arrive with a 201, else the second. */
    private SoakExchange twins(User user, String chat, String key, String content) {
        SoakExchange[] other = new SoakExchange[1];
        Thread twin = new Thread(() -> other[0] = send("twin", user, chat, key, content), "soak-twin");
        twin.start();
        SoakExchange mine = send("send", user, chat, key, content);
        join(twin);
        return mine.created() || other[0] == null ? mine : other[0];
    }

    /**
     * After the run, with every dependency back: each key whose last answer a client could still retry
     * is sent again (waiting as {@code Retry-After} says) until it gets a final answer or {@code budget}
     * runs out, so that the invariants judge what a patient client ends up with.
     */
    void reconcile(List<User> users, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, SoakExchange> last = new java.util.LinkedHashMap<>();
        for (SoakExchange e : exchanges()) {
            if (e.key() != null && !e.kind().equals("reuse")) {
                last.put(e.key(), e);
            }
        }
        for (SoakExchange e : last.values()) {
            SoakExchange answer = e;
            User user = users.get(e.user());
            while (answer.retryable() && !finalFailure(answer) && System.nanoTime() < deadline) {
                pause(retryWait(answer));
                answer = send("reconcile", user, e.chatId(), e.key(), contentOfKey.get(e.key()));
            }
        }
    }

    /** A retryable failure that nevertheless ended its turn (the turn is FAILED, a retry would generate again). */
    private static boolean finalFailure(SoakExchange e) {
        String code = e.code();
        return e.answered() && (code.startsWith("AI_") || code.equals("CIRCUIT_OPEN"));
    }

    private static long retryWait(SoakExchange answer) {
        try {
            return Math.min(5_000, Math.max(200, Long.parseLong(answer.retryAfter().trim()) * 1000));
        } catch (NumberFormatException e) {
            return 500;
        }
    }

    SoakExchange send(String kind, User user, String chat, String key, String content) {
        String requestId = runId + "-r" + seq.incrementAndGet();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/chats/" + chat + "/messages"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestIssuer.token(user.subject()))
                .header("X-Request-Id", requestId)
                .header("Accept-Language", requestId.hashCode() % 2 == 0 ? "en" : "zh")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder().add("content", content).build().toString()));
        return exchange(kind, user, chat, key, requestId, request);
    }

    private SoakExchange exchange(String kind, User user, String chat, String key, String requestId,
            HttpRequest.Builder request) {
        long start = nowMs();
        SoakExchange recorded;
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            recorded = new SoakExchange(seq.incrementAndGet(), kind, user.index(), chat, key, requestId, start, nowMs(),
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("Retry-After").orElse(""), json(r.body()), "");
        } catch (IOException e) {
            recorded = new SoakExchange(seq.incrementAndGet(), kind, user.index(), chat, key, requestId, start, nowMs(), -1,
                    "", "", null, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        exchanges.add(recorded);
        return recorded;
    }

    /** The user's event stream on its first chat: a ticket, then the stream, read until it ends; again while running. */
    private void watch(User user) {
        String chat = user.chats().get(0);
        while (running) {
            String requestId = runId + "-r" + seq.incrementAndGet();
            SoakExchange ticket = exchange("ticket", user, chat, null, requestId,
                    HttpRequest.newBuilder(URI.create(baseUrl + "/api/chats/" + chat + "/events/ticket"))
                            .timeout(REQUEST_TIMEOUT).header("Authorization", "Bearer " + TestIssuer.token(user.subject()))
                            .header("X-Request-Id", requestId).POST(HttpRequest.BodyPublishers.noBody()));
            if (ticket.status() != 200 || ticket.body() == null) {
                pause(ticket.answered() ? retryWait(ticket) : 500);
                continue;
            }
            String url = baseUrl + "/api/chats/" + chat + "/events?ticket=" + ticket.body().getString("ticket");
            long start = nowMs();
            String streamRequestId = runId + "-r" + seq.incrementAndGet();
            try {
                HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("X-Request-Id", streamRequestId).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (stream.statusCode() != 200) {
                    streamRefusals.incrementAndGet();
                    String text;
                    try (InputStream body = stream.body()) {
                        text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    exchanges.add(new SoakExchange(seq.incrementAndGet(), "events", user.index(), chat, null, streamRequestId,
                            start, nowMs(), stream.statusCode(), stream.headers().firstValue("Content-Type").orElse(""),
                            stream.headers().firstValue("Retry-After").orElse(""), json(text), ""));
                    pause(500);
                    continue;
                }
                streamsOpened.incrementAndGet();
                openStreams.add(stream.body());
                read(stream.body());
                openStreams.remove(stream.body());
            } catch (IOException e) {
                pause(250); // the stream ended or failed: reopen with a new ticket
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void read(InputStream body) throws IOException {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = "";
            for (String line = lines.readLine(); line != null && running; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                    streamEvents.incrementAndGet();
                } else if (line.startsWith("data:") && event.equals("message")) {
                    JsonObject message = json(line.substring(5).trim());
                    if (message != null && message.containsKey("id")) {
                        streamedMessageIds.add(message.getString("id"));
                    }
                }
            }
        }
    }

    private void pollReadiness() {
        while (running) {
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            readiness.add(new Readiness(nowMs(), status));
            pause(250);
        }
    }

    private static JsonObject json(String text) {
        if (text == null || !text.trim().startsWith("{")) {
            return null;
        }
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    private static void pause(long millis) {
        if (millis > 0) {
            LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
        }
    }

    private static void join(Thread t) {
        try {
            t.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
