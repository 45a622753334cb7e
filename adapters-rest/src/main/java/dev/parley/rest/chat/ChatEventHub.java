package dev.parley.rest.chat;

import dev.parley.application.chat.TurnEvents;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.event.ChatEvent;
import dev.parley.domain.event.ChatEventLog;
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
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The open Server-Sent Event streams of each chat ({@code GET /api/chats/{chatId}/events}), and the
 * adapter of the {@link TurnEvents} port that feeds them, across instances
 * (docs/architecture.md#chat-events): {@code typing} ({@link TypingEvent}) when a generation starts or
 * ends, {@code message} ({@link MessageJson}) when a message is stored or changes status.
 *
 * <p><b>One path.</b> Publishing appends the event to the shared outbox ({@link ChatEventLog}), in the
 * caller's transaction when there is one; nothing is written to a stream at that moment. Streams are fed
 * from the outbox only, on the chat's delivery lane: when this instance learns that a chat it watches
 * has events beyond the last one it delivered ({@link #appended}: from PostgreSQL's NOTIFY, from the
 * poll of the chats' heads every {@code parley.events.poll-interval-ms}, or at once after the commit
 * of an append made here), it reads them and writes each to the chat's streams with its id ({@code id:}
 * of SSE). Ids count each chat's events without a gap, so an event is delivered once, in order, however
 * many signals name it. A stream opened with the last id its client saw ({@code Last-Event-ID}) first
 * gets what it missed from the outbox, then the live events, without gap or repeat; if what it missed
 * is no longer retained (or more than {@code parley.events.max-replay}), it gets one {@code reset}
 * event instead: reload the chat's messages.
 *
 * <p>Every stream gets a keep-alive comment each {@code parley.events.keep-alive-ms}; a stream whose
 * client went away fails its next write and is closed and forgotten, and a chat without streams is
 * forgotten too. Bounded: at most {@code parley.events.max-streams-per-chat} streams per chat and
 * {@code parley.events.max-streams} in all ({@link TooManyStreamsException} beyond, a 429); a stream is
 * ended after {@code parley.events.max-lifetime-ms}, and the client reconnects.
 *
 * <p>Thread-safe. Publishing never throws and never waits for a client: every write (events,
 * keep-alives, the first comment) and every read of the outbox for a chat happens on the managed
 * executor, those of one chat one at a time in order, so a client that stops reading holds up only its
 * delivery lane, never a send, the keep-alive round or a new subscription.
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
        /** The last event id its client saw (or the chat's head when it opened, for a new client). */
        final long resumeAfter;
        /** The client named that id itself (a gap is then worth a {@code reset}). */
        final boolean resuming;
        volatile ScheduledFuture<?> expiry;
        /** Set on the chat's lane once the stream has caught up: live events reach it from then on. */
        volatile boolean ready;
        /** The id of the last event written to it (on the chat's lane). */
        volatile long sentUpTo;

        Subscriber(SseEventSink sink, Sse sse, long resumeAfter, boolean resuming, Runnable onEnd) {
            this.sink = sink;
            this.sse = sse;
            this.resumeAfter = resumeAfter;
            this.resuming = resuming;
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

    /** The streams of one chat on this instance, and the last event id delivered to them (-1: not known yet). */
    private static final class Watch {
        final Set<Subscriber> set = ConcurrentHashMap.newKeySet();
        final AtomicLong delivered = new AtomicLong(-1);
    }

    /** Events read from the outbox at once while catching up. */
    static final int READ_BATCH = 200;

    private final Map<ChatId, Watch> subscribers = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private Jsonb jsonb;
    private Function<Object, String> toJson;
    private OrderedLanes deliveries;
    private ScheduledExecutorService scheduler;
    /** Runs the task once the caller's transaction commits (at once without one). */
    Consumer<Runnable> afterCommit;
    /** True while a LISTEN connection hears every append: polling slows down to a safety net. */
    private volatile boolean listening;
    private final AtomicLong pollRound = new AtomicLong();

    @Resource
    ManagedScheduledExecutorService executor;
    @Resource
    TransactionSynchronizationRegistry transactions;
    @Inject
    ChatEventLog log;
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
    @Inject
    @ConfigProperty(name = "parley.events.poll-interval-ms", defaultValue = "500")
    long pollIntervalMs;
    @Inject
    @ConfigProperty(name = "parley.events.max-replay", defaultValue = "1000")
    int maxReplay;
    private ScheduledFuture<?> keepAlive;
    private ScheduledFuture<?> poll;

    @PostConstruct
    void start() {
        jsonb = JsonbBuilder.create();
        afterCommit = this::afterCommitOfTransaction;
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
        if (pollIntervalMs < 10) {
            throw new IllegalArgumentException("parley.events.poll-interval-ms must be at least 10, not " + pollIntervalMs);
        }
        if (maxReplay < 1) {
            throw new IllegalArgumentException("parley.events.max-replay must be at least 1, not " + maxReplay);
        }
        Objects.requireNonNull(log, "log");
        if (afterCommit == null) {
            afterCommit = Runnable::run;
        }
        this.scheduler = scheduler;
        this.toJson = toJson;
        deliveries = new OrderedLanes(scheduler);
        keepAlive = scheduler.scheduleAtFixedRate(this::keepAlive, keepAliveMs, keepAliveMs, TimeUnit.MILLISECONDS);
        poll = scheduler.scheduleAtFixedRate(this::poll, pollIntervalMs, pollIntervalMs, TimeUnit.MILLISECONDS);
    }

    private void afterCommitOfTransaction(Runnable task) {
        if (transactions == null || transactions.getTransactionKey() == null) {
            task.run();
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing: the events are written with the transaction's other work
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    task.run();
                }
            }
        });
    }

    @PreDestroy
    void stop() {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        if (poll != null) {
            poll.cancel(false);
        }
        subscribers.values().forEach(watch -> watch.set.forEach(s -> {
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
        subscribe(chatId, sink, sse, maxLifetimeMs, OptionalLong.empty(), onEnd);
    }

    /**
     * As {@link #subscribe(ChatId, SseEventSink, Sse, Runnable)}, but the stream also ends when the
     * caller's credential expires at {@code validUntil} (the client then reconnects with a fresh one),
     * and a client that saw the chat's events up to {@code resumeAfter} first gets those it missed.
     */
    public void subscribe(ChatId chatId, SseEventSink sink, Sse sse, Instant validUntil, OptionalLong resumeAfter,
            Runnable onEnd) {
        long untilExpiry = Math.max(0, validUntil.toEpochMilli() - clock.millis());
        subscribe(chatId, sink, sse, Math.min(maxLifetimeMs, untilExpiry), resumeAfter, onEnd);
    }

    private void subscribe(ChatId chatId, SseEventSink sink, Sse sse, long lifetimeMs, OptionalLong resumeAfter,
            Runnable onEnd) {
        Objects.requireNonNull(onEnd, "onEnd");
        Subscriber subscriber;
        try {
            // a new client starts from the chat's head now: whatever is appended after this moment reaches it,
            // even if its first write waits (read here, so a database that is away fails the request itself)
            long from = resumeAfter.isPresent() ? resumeAfter.getAsLong()
                    : log.heads(List.of(chatId)).getOrDefault(chatId, 0L);
            subscriber = new Subscriber(sink, sse, from, resumeAfter.isPresent(), onEnd);
        } catch (RuntimeException e) {
            onEnd.run();
            throw e;
        }
        try {
            register(chatId, subscriber, lifetimeMs);
        } catch (RuntimeException refused) {
            subscriber.ended();
            throw refused;
        }
    }

    private void register(ChatId chatId, Subscriber subscriber, long lifetimeMs) {
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            throw new TooManyStreamsException("the server has " + maxStreams + " event streams open");
        }
        while (true) {
            Watch watch = subscribers.computeIfAbsent(chatId, id -> new Watch());
            synchronized (watch) {
                if (subscribers.get(chatId) != watch) {
                    continue; // the watch emptied and was dropped meanwhile: take the new one
                }
                if (watch.set.size() >= maxStreamsPerChat) {
                    open.decrementAndGet();
                    throw new TooManyStreamsException("the chat has " + maxStreamsPerChat + " event streams open");
                }
                watch.set.add(subscriber);
                subscriber.expiry = scheduler.schedule(() -> expire(chatId, watch, subscriber), lifetimeMs,
                        TimeUnit.MILLISECONDS);
            }
            deliveries.submit(chatId, () -> catchUpStream(chatId, watch, subscriber));
            return;
        }
    }

    /**
     * On the chat's lane: confirms the stream, gives a resuming client what it missed up to what this
     * instance delivered (the rest comes live), or a {@code reset} when that is no longer retained, and
     * lets live events reach it from then on.
     */
    private void catchUpStream(ChatId chatId, Watch watch, Subscriber s) {
        Sse sse = s.sse;
        write(chatId, watch, s, sse.newEventBuilder().comment("connected").build());
        long delivered;
        try {
            delivered = delivered(chatId, watch);
            replay(chatId, watch, s, s.resumeAfter, delivered);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the chat's events for a new stream; it ends and the client "
                    + "reconnects", e);
            forget(chatId, watch, s);
            return;
        }
        s.ready = true;
    }

    private void replay(ChatId chatId, Watch watch, Subscriber s, long lastSeen, long delivered) {
        if (lastSeen > delivered) {
            long head = log.heads(List.of(chatId)).getOrDefault(chatId, 0L);
            if (lastSeen > head) {
                reset(chatId, watch, s, delivered); // an id this chat never gave
            } else {
                s.sentUpTo = lastSeen; // the client is ahead of this instance: the live path catches up
            }
            return;
        }
        long missed = delivered - lastSeen;
        if (missed == 0) {
            s.sentUpTo = delivered;
            return;
        }
        if (missed > maxReplay) {
            skip(chatId, watch, s, delivered);
            return;
        }
        List<ChatEvent> events = log.after(chatId, lastSeen, (int) missed);
        if (events.size() != missed || events.get(0).id() != lastSeen + 1) {
            skip(chatId, watch, s, delivered); // purged by the retention
            return;
        }
        for (ChatEvent e : events) {
            write(chatId, watch, s, event(s.sse, e));
        }
        s.sentUpTo = delivered;
    }

    /**
     * What the stream should have got first cannot be replayed: a client that named its last id gets a
     * {@code reset}; a new client (which read the chat itself) simply starts with the live events.
     */
    private void skip(ChatId chatId, Watch watch, Subscriber s, long delivered) {
        if (s.resuming) {
            reset(chatId, watch, s, delivered);
        } else {
            s.sentUpTo = delivered;
        }
    }

    /** Tells the client that events it missed are gone: reload the chat's messages, then go on from {@code id}. */
    private void reset(ChatId chatId, Watch watch, Subscriber s, long id) {
        String data = toJson.apply(new ResetEvent(chatId.value(), id));
        write(chatId, watch, s, s.sse.newEventBuilder().id(Long.toString(id)).name(RESET)
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, data).build());
        s.sentUpTo = id;
    }

    /** The data of a {@code reset} event: what the client missed is no longer kept; events go on after {@code lastEventId}. */
    public record ResetEvent(java.util.UUID chatId, long lastEventId) {
    }

    /** The name of the event that tells a client to reload the chat's messages. */
    public static final String RESET = "reset";

    /** The last event id delivered to the chat's streams here; the chat's head when it was not known yet. */
    private long delivered(ChatId chatId, Watch watch) {
        long delivered = watch.delivered.get();
        if (delivered < 0) {
            delivered = log.heads(List.of(chatId)).getOrDefault(chatId, 0L);
            watch.delivered.set(delivered);
        }
        return delivered;
    }

    /**
     * The chat has events up to {@code lastId} (committed): if this instance watches it and has not
     * delivered them, they are read from the outbox and delivered on the chat's lane. Any number of
     * signals for the same events deliver them once. Never throws.
     */
    public void appended(ChatId chatId, long lastId) {
        Watch watch = subscribers.get(chatId);
        if (watch == null || (watch.delivered.get() >= lastId)) {
            return;
        }
        deliveries.submit(chatId, () -> deliver(chatId, watch, lastId));
    }

    /** A LISTEN connection hears every append (true), or none does (false: the poll takes over at once). */
    public void listening(boolean up) {
        boolean was = listening;
        listening = up;
        if (up && !was) {
            poll(); // catch up on what was appended while nobody listened
        }
    }

    /**
     * The poll of the watched chats' heads, every {@code parley.events.poll-interval-ms}: the fan-out
     * when no LISTEN connection is up, and every tenth round a safety net when one is. One query for all
     * the chats this instance watches, none when it watches none.
     */
    void poll() {
        try {
            if (listening && pollRound.incrementAndGet() % 10 != 0) {
                return;
            }
            if (subscribers.isEmpty()) {
                return;
            }
            for (Map.Entry<ChatId, Long> head : log.heads(List.copyOf(subscribers.keySet())).entrySet()) {
                appended(head.getKey(), head.getValue());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "polling the chat events failed; the next round tries again", e);
        }
    }

    /** On the chat's lane: reads what it has not delivered yet and writes it to the streams that caught up. */
    private void deliver(ChatId chatId, Watch watch, long lastId) {
        if (subscribers.get(chatId) != watch) {
            return;
        }
        try {
            long delivered = delivered(chatId, watch);
            while (delivered < lastId) {
                List<ChatEvent> events = log.after(chatId, delivered, READ_BATCH);
                if (events.isEmpty()) {
                    return; // purged meanwhile; the head moves on with the next append
                }
                if (events.get(0).id() != delivered + 1) {
                    long before = events.get(0).id() - 1;
                    for (Subscriber s : ready(watch)) {
                        reset(chatId, watch, s, before);
                    }
                }
                for (ChatEvent e : events) {
                    for (Subscriber s : ready(watch)) {
                        if (s.sentUpTo < e.id()) {
                            write(chatId, watch, s, event(s.sse, e));
                            s.sentUpTo = e.id();
                        }
                    }
                    delivered = e.id();
                    watch.delivered.set(delivered);
                }
                if (events.size() < READ_BATCH) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "reading the chat's events failed; the next signal or poll tries again", e);
        }
    }

    private static List<Subscriber> ready(Watch watch) {
        return snapshot(watch).stream().filter(s -> s.ready).toList();
    }

    private static OutboundSseEvent event(Sse sse, ChatEvent e) {
        return sse.newEventBuilder().id(Long.toString(e.id())).name(e.kind())
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, e.payload()).build();
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

    /** The three events of a completed turn in one append (one statement in the turn's transaction). */
    @Override
    public void turnCompleted(Message userMessage, Message reply, String requestId) {
        ChatId chatId = userMessage.chatId();
        publishAll(chatId, List.of(new Outgoing("message", MessageJson.of(userMessage)),
                new Outgoing("message", MessageJson.of(reply)),
                new Outgoing("typing", new TypingEvent(chatId.value(), false, requestId, null))));
    }

    /** An event to publish: its name and the payload its JSON data is made of. */
    record Outgoing(String name, Object payload) {
    }

    /** Publishes one event whose data is {@code payload} as JSON ({@link #publishAll}). */
    void publish(ChatId chatId, String name, Object payload) {
        publishAll(chatId, List.of(new Outgoing(name, payload)));
    }

    /**
     * Appends the events to the outbox, in the caller's transaction if there is one; once it commits,
     * this instance's streams of the chat get them (other instances hear of them from PostgreSQL).
     * Never throws: a failed append is logged (inside a transaction, PostgreSQL then refuses its commit,
     * so the turn fails with it rather than commit without its events).
     */
    void publishAll(ChatId chatId, List<Outgoing> outgoing) {
        try {
            List<ChatEvent.New> events = new ArrayList<>(outgoing.size());
            for (Outgoing o : outgoing) {
                events.add(new ChatEvent.New(o.name(), toJson.apply(o.payload())));
            }
            List<ChatEvent> appended = log.append(chatId, events);
            if (!appended.isEmpty()) {
                long last = appended.get(appended.size() - 1).id();
                afterCommit.accept(() -> appended(chatId, last));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not publish " + outgoing.size() + " chat event(s)", e);
        }
    }

    /** How many streams of the chat are open (for tests and diagnostics). */
    public int streams(ChatId chatId) {
        Watch watch = subscribers.get(chatId);
        return watch == null ? 0 : watch.set.size();
    }

    /** How many streams are open in all (for tests and diagnostics). */
    public int streams() {
        return open.get();
    }

    /** Hands each chat's keep-alive to its delivery lane: a stalled stream cannot stop the round. */
    private void keepAlive() {
        try {
            for (Map.Entry<ChatId, Watch> entry : subscribers.entrySet()) {
                ChatId chatId = entry.getKey();
                Watch watch = entry.getValue();
                deliveries.submit(chatId, () -> {
                    for (Subscriber s : snapshot(watch)) {
                        write(chatId, watch, s, s.sse.newEventBuilder().comment("keep-alive").build());
                    }
                });
            }
        } catch (RuntimeException e) {
            // never let one failure cancel the periodic task
            LOG.log(Level.WARNING, "SSE keep-alive round failed", e);
        }
    }

    /** Ends a stream that reached its maximum lifetime; the client reconnects after the retry hint. */
    private void expire(ChatId chatId, Watch watch, Subscriber s) {
        deliveries.submit(chatId, () -> forget(chatId, watch, s));
    }

    private static List<Subscriber> snapshot(Watch watch) {
        synchronized (watch) {
            return List.copyOf(watch.set);
        }
    }

    private void write(ChatId chatId, Watch watch, Subscriber s, OutboundSseEvent event) {
        if (s.sink.isClosed()) {
            forget(chatId, watch, s);
            return;
        }
        try {
            s.sink.send(event).whenComplete((ok, error) -> {
                if (error != null) {
                    forget(chatId, watch, s);
                }
            });
        } catch (RuntimeException clientGone) {
            forget(chatId, watch, s);
        }
    }

    private void forget(ChatId chatId, Watch watch, Subscriber s) {
        boolean removed;
        synchronized (watch) {
            removed = watch.set.remove(s);
            if (watch.set.isEmpty()) {
                subscribers.remove(chatId, watch);
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
