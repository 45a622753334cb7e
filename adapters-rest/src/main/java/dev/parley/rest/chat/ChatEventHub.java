package dev.parley.rest.chat;

import dev.parley.application.chat.TurnEvents;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import dev.parley.rest.chat.Json.MessageJson;
import dev.parley.rest.chat.Json.TypingEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The open Server-Sent Event streams of each chat ({@code GET /api/chats/{chatId}/events}), and the
 * adapter of the {@link TurnEvents} port that feeds them: {@code typing} ({@link TypingEvent}) when a
 * generation starts or ends, {@code message} ({@link MessageJson}) when a message is stored or changes
 * status. Every stream gets a keep-alive comment each {@code parley.events.keep-alive-ms}; a stream
 * whose client went away fails its next write and is closed and forgotten, and a chat without
 * streams is forgotten too.
 *
 * <p>Bounded: at most {@code parley.events.max-streams-per-chat} streams per chat and
 * {@code parley.events.max-streams} in all ({@link TooManyStreamsException} beyond, a 429); a
 * stream is ended after {@code parley.events.max-lifetime-ms}, and the client reconnects
 * ({@code EventSource} does so by itself after its default delay, about 3 s: RESTEasy writes no
 * {@code retry:} field for a comment, and an event with data would reach the client's listeners).
 *
 * <p>Thread-safe. Publishing never throws and never waits for a client: every write (events,
 * keep-alives, the first comment) happens on the managed executor, those of one chat one at a time
 * in the order they were published, so a client that stops reading holds up only its delivery lane,
 * never a send, the keep-alive round or a new subscription.
 */
@ApplicationScoped
public class ChatEventHub implements TurnEvents {
    private static final Logger LOG = Logger.getLogger(ChatEventHub.class.getName());

    /**
     * One open stream: the sink and the {@link Sse} factory of the request that opened it, and what to
     * run once when it ends (the caller's per-user permit is given back).
     */
    private static final class Subscriber {
        final SseEventSink sink;
        final Sse sse;
        final Runnable onEnd;
        volatile ScheduledFuture<?> expiry;

        Subscriber(SseEventSink sink, Sse sse, Runnable onEnd) {
            this.sink = sink;
            this.sse = sse;
            this.onEnd = onEnd;
        }

        void ended() {
            try {
                onEnd.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "ending an event stream failed", e);
            }
        }
    }

    private final Map<ChatId, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private Jsonb jsonb;
    private Function<Object, String> toJson;
    private OrderedLanes deliveries;
    private ScheduledExecutorService scheduler;

    @Resource
    ManagedScheduledExecutorService executor;
    @Inject
    Clock clock;
    @Inject
    @ConfigProperty(name = "parley.events.keep-alive-ms", defaultValue = "15000")
    long keepAliveMs;
    @Inject
    @ConfigProperty(name = "parley.events.max-streams-per-chat", defaultValue = "10")
    int maxStreamsPerChat;
    @Inject
    @ConfigProperty(name = "parley.events.max-streams", defaultValue = "1000")
    int maxStreams;
    @Inject
    @ConfigProperty(name = "parley.events.max-lifetime-ms", defaultValue = "1800000")
    long maxLifetimeMs;
    private ScheduledFuture<?> keepAlive;

    @PostConstruct
    void start() {
        jsonb = JsonbBuilder.create();
        start(executor, jsonb::toJson);
    }

    /**
     * Starts the keep-alive round on {@code scheduler}, which also writes every stream; event data
     * is written as {@code toJson} renders it.
     */
    void start(ScheduledExecutorService scheduler, Function<Object, String> toJson) {
        if (keepAliveMs < 100) {
            throw new IllegalArgumentException("parley.events.keep-alive-ms must be at least 100, not " + keepAliveMs);
        }
        if (maxStreamsPerChat < 1) {
            throw new IllegalArgumentException(
                    "parley.events.max-streams-per-chat must be at least 1, not " + maxStreamsPerChat);
        }
        if (maxStreams < 1) {
            throw new IllegalArgumentException("parley.events.max-streams must be at least 1, not " + maxStreams);
        }
        if (maxLifetimeMs < 1000) {
            throw new IllegalArgumentException(
                    "parley.events.max-lifetime-ms must be at least 1000, not " + maxLifetimeMs);
        }
        this.scheduler = scheduler;
        this.toJson = toJson;
        deliveries = new OrderedLanes(scheduler);
        keepAlive = scheduler.scheduleAtFixedRate(this::keepAlive, keepAliveMs, keepAliveMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        subscribers.values().forEach(set -> set.forEach(s -> {
            closeQuietly(s.sink);
            s.ended();
        }));
        subscribers.clear();
        open.set(0);
        try {
            if (jsonb != null) {
                jsonb.close();
            }
        } catch (Exception ignored) {
            // shutting down
        }
    }

    /**
     * Registers a stream of the chat (whose ownership the caller checked) and confirms it with a
     * {@code :connected} comment; ends it after the maximum lifetime. {@code onEnd} runs exactly once:
     * when the stream is refused, or when it ends, however it ends (the client went away and a write
     * failed, the lifetime ran out, the application stops).
     *
     * @throws TooManyStreamsException when the chat, or the server, has as many streams as allowed
     */
    public void subscribe(ChatId chatId, SseEventSink sink, Sse sse, Runnable onEnd) {
        subscribe(chatId, sink, sse, maxLifetimeMs, onEnd);
    }

    /**
     * As {@link #subscribe(ChatId, SseEventSink, Sse, Runnable)}, but the stream also ends when the
     * caller's credential expires at {@code validUntil} (the client then reconnects with a fresh one).
     */
    public void subscribe(ChatId chatId, SseEventSink sink, Sse sse, Instant validUntil, Runnable onEnd) {
        long untilExpiry = Math.max(0, validUntil.toEpochMilli() - clock.millis());
        subscribe(chatId, sink, sse, Math.min(maxLifetimeMs, untilExpiry), onEnd);
    }

    private void subscribe(ChatId chatId, SseEventSink sink, Sse sse, long lifetimeMs, Runnable onEnd) {
        Subscriber subscriber = new Subscriber(sink, sse, Objects.requireNonNull(onEnd, "onEnd"));
        try {
            register(chatId, subscriber, lifetimeMs);
        } catch (RuntimeException refused) {
            subscriber.ended();
            throw refused;
        }
    }

    private void register(ChatId chatId, Subscriber subscriber, long lifetimeMs) {
        Sse sse = subscriber.sse;
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            throw new TooManyStreamsException("the server has " + maxStreams + " event streams open");
        }
        while (true) {
            Set<Subscriber> set = subscribers.computeIfAbsent(chatId, id -> ConcurrentHashMap.newKeySet());
            synchronized (set) {
                if (subscribers.get(chatId) != set) {
                    continue; // the set emptied and was dropped meanwhile: take the new one
                }
                if (set.size() >= maxStreamsPerChat) {
                    open.decrementAndGet();
                    throw new TooManyStreamsException("the chat has " + maxStreamsPerChat + " event streams open");
                }
                set.add(subscriber);
                subscriber.expiry = scheduler.schedule(() -> expire(chatId, set, subscriber), lifetimeMs,
                        TimeUnit.MILLISECONDS);
            }
            OutboundSseEvent connected = sse.newEventBuilder().comment("connected").build();
            deliveries.submit(chatId, () -> write(chatId, set, subscriber, connected));
            return;
        }
    }

    @Override
    public void generationStarted(ChatId chatId, String requestId) {
        publish(chatId, "typing", new TypingEvent(chatId.value(), true, requestId, null));
    }

    @Override
    public void messageChanged(Message message) {
        publish(message.chatId(), "message", MessageJson.of(message));
    }

    @Override
    public void generationEnded(ChatId chatId, String requestId, Optional<ErrorCode> failure) {
        publish(chatId, "typing", new TypingEvent(chatId.value(), false, requestId,
                failure.map(ErrorCode::name).orElse(null)));
    }

    /**
     * Publishes an event whose data is {@code payload} as JSON to every stream of the chat. Returns at
     * once (the streams are written on the executor) and never throws.
     */
    void publish(ChatId chatId, String name, Object payload) {
        try {
            if (!subscribers.containsKey(chatId)) {
                return; // nobody watches: not even worth the JSON
            }
            String data = toJson.apply(payload);
            deliveries.submit(chatId, () -> deliver(chatId, name, data));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not publish a " + name + " event", e);
        }
    }

    /** Runs on the chat's delivery lane: writes to a copy of the set, so no lock is held while writing. */
    private void deliver(ChatId chatId, String name, String data) {
        Set<Subscriber> set = subscribers.get(chatId);
        if (set == null) {
            return;
        }
        for (Subscriber s : snapshot(set)) {
            write(chatId, set, s, s.sse.newEventBuilder().name(name)
                    .mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, data).build());
        }
    }

    /** How many streams of the chat are open (for tests and diagnostics). */
    public int streams(ChatId chatId) {
        Set<Subscriber> set = subscribers.get(chatId);
        return set == null ? 0 : set.size();
    }

    /** How many streams are open in all (for tests and diagnostics). */
    public int streams() {
        return open.get();
    }

    /** Hands each chat's keep-alive to its delivery lane: a stalled stream cannot stop the round. */
    private void keepAlive() {
        try {
            for (Map.Entry<ChatId, Set<Subscriber>> entry : subscribers.entrySet()) {
                ChatId chatId = entry.getKey();
                Set<Subscriber> set = entry.getValue();
                deliveries.submit(chatId, () -> {
                    for (Subscriber s : snapshot(set)) {
                        write(chatId, set, s, s.sse.newEventBuilder().comment("keep-alive").build());
                    }
                });
            }
        } catch (RuntimeException e) {
            // never let one failure cancel the periodic task
            LOG.log(Level.WARNING, "SSE keep-alive round failed", e);
        }
    }

    /** Ends a stream that reached its maximum lifetime; the client reconnects after the retry hint. */
    private void expire(ChatId chatId, Set<Subscriber> set, Subscriber s) {
        deliveries.submit(chatId, () -> forget(chatId, set, s));
    }

    private static List<Subscriber> snapshot(Set<Subscriber> set) {
        synchronized (set) {
            return List.copyOf(set);
        }
    }

    private void write(ChatId chatId, Set<Subscriber> set, Subscriber s, OutboundSseEvent event) {
        if (s.sink.isClosed()) {
            forget(chatId, set, s);
            return;
        }
        try {
            s.sink.send(event).whenComplete((ok, error) -> {
                if (error != null) {
                    forget(chatId, set, s);
                }
            });
        } catch (RuntimeException clientGone) {
            forget(chatId, set, s);
        }
    }

    private void forget(ChatId chatId, Set<Subscriber> set, Subscriber s) {
        boolean removed;
        synchronized (set) {
            removed = set.remove(s);
            if (set.isEmpty()) {
                subscribers.remove(chatId, set);
            }
        }
        if (removed) {
            open.decrementAndGet();
            ScheduledFuture<?> expiry = s.expiry;
            if (expiry != null) {
                expiry.cancel(false);
            }
            s.ended();
        }
        closeQuietly(s.sink);
    }

    private static void closeQuietly(SseEventSink sink) {
        try {
            sink.close();
        } catch (RuntimeException alreadyGone) {
            // nothing to do: the client is gone either way
        }
    }
}
