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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * <p>Thread-safe. Publishing never throws and never waits for a client: events are written on the
 * managed executor, those of one chat in the order they were published.
 */
@ApplicationScoped
public class ChatEventHub implements TurnEvents {
    private static final Logger LOG = Logger.getLogger(ChatEventHub.class.getName());
    /** Chats are spread over this many delivery lanes: a stalled client holds up only its lane. */
    private static final int DELIVERY_LANES = 8;

    /** One open stream: the sink and the {@link Sse} factory of the request that opened it. */
    private record Subscriber(SseEventSink sink, Sse sse) {
    }

    private final Map<ChatId, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private Jsonb jsonb;
    private OrderedLanes deliveries;

    @Resource
    ManagedScheduledExecutorService executor;
    @Inject
    @ConfigProperty(name = "parley.events.keep-alive-ms", defaultValue = "15000")
    long keepAliveMs;
    private ScheduledFuture<?> keepAlive;

    @PostConstruct
    void start() {
        if (keepAliveMs < 100) {
            throw new IllegalArgumentException("parley.events.keep-alive-ms must be at least 100, not " + keepAliveMs);
        }
        jsonb = JsonbBuilder.create();
        deliveries = new OrderedLanes(executor, DELIVERY_LANES);
        keepAlive = executor.scheduleAtFixedRate(this::keepAlive, keepAliveMs, keepAliveMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        subscribers.values().forEach(set -> set.forEach(s -> closeQuietly(s.sink())));
        subscribers.clear();
        try {
            if (jsonb != null) {
                jsonb.close();
            }
        } catch (Exception ignored) {
            // shutting down
        }
    }

    /** Registers a stream of the chat (whose ownership the caller checked) and confirms it with a comment. */
    public void subscribe(ChatId chatId, SseEventSink sink, Sse sse) {
        Subscriber subscriber = new Subscriber(sink, sse);
        while (true) {
            Set<Subscriber> set = subscribers.computeIfAbsent(chatId, id -> ConcurrentHashMap.newKeySet());
            synchronized (set) {
                if (subscribers.get(chatId) != set) {
                    continue; // the set emptied and was dropped meanwhile: take the new one
                }
                set.add(subscriber);
                write(chatId, set, subscriber, sse.newEventBuilder().comment("connected").build());
                return;
            }
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
            String data = jsonb.toJson(payload);
            deliveries.submit(chatId, () -> deliver(chatId, name, data));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not publish a " + name + " event", e);
        }
    }

    private void deliver(ChatId chatId, String name, String data) {
        Set<Subscriber> set = subscribers.get(chatId);
        if (set == null) {
            return;
        }
        synchronized (set) {
            for (Subscriber s : Set.copyOf(set)) {
                write(chatId, set, s, s.sse().newEventBuilder().name(name)
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, data).build());
            }
        }
    }

    /** How many streams of the chat are open (for tests and diagnostics). */
    public int streams(ChatId chatId) {
        Set<Subscriber> set = subscribers.get(chatId);
        return set == null ? 0 : set.size();
    }

    private void keepAlive() {
        try {
            for (Map.Entry<ChatId, Set<Subscriber>> entry : subscribers.entrySet()) {
                Set<Subscriber> set = entry.getValue();
                synchronized (set) {
                    for (Subscriber s : Set.copyOf(set)) {
                        write(entry.getKey(), set, s, s.sse().newEventBuilder().comment("keep-alive").build());
                    }
                }
            }
        } catch (RuntimeException e) {
            // never let one failure cancel the periodic task
            LOG.log(Level.WARNING, "SSE keep-alive round failed", e);
        }
    }

    private void write(ChatId chatId, Set<Subscriber> set, Subscriber s, OutboundSseEvent event) {
        if (s.sink().isClosed()) {
            forget(chatId, set, s);
            return;
        }
        try {
            s.sink().send(event).whenComplete((ok, error) -> {
                if (error != null) {
                    forget(chatId, set, s);
                }
            });
        } catch (RuntimeException clientGone) {
            forget(chatId, set, s);
        }
    }

    private void forget(ChatId chatId, Set<Subscriber> set, Subscriber s) {
        synchronized (set) {
            set.remove(s);
            if (set.isEmpty()) {
                subscribers.remove(chatId, set);
            }
        }
        closeQuietly(s.sink());
    }

    private static void closeQuietly(SseEventSink sink) {
        try {
            sink.close();
        } catch (RuntimeException alreadyGone) {
            // nothing to do: the client is gone either way
        }
    }
}
