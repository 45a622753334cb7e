package dev.parley.domain.breaker;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * One {@link CircuitBreaker} per chat, with bounded memory. Thread-safe.
 *
 * <p>A healthy chat (CLOSED, no failures) has no entry at all: asking for permission returns the
 * shared {@link Permission#ADMITTED} and recording a success does nothing, so the success path of a
 * healthy chat is one hash lookup and allocates nothing. An entry is created by the chat's first
 * counted failure and removed again when the chat becomes healthy (a success, a successful probe).
 * CLOSED entries that are idle or over {@link EvictionPolicy#maxTracked()} are evicted (their failure
 * count is forgotten); OPEN and HALF_OPEN entries are never evicted. Eviction runs lazily on calls
 * that touch a tracked chat, or when {@link #evictIdle()} is called (e.g. periodically by an adapter).
 */
public final class ChatBreakerRegistry {

    private final BreakerTransitions transitions;
    private final InstantSource clock;
    private final BreakerListener listener;
    private final EvictionPolicy eviction;
    private final ConcurrentHashMap<ChatId, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final BiFunction<ChatId, CircuitBreaker, CircuitBreaker> createUnlessLive = this::createUnlessLive;
    private final Consumer<CircuitBreaker> forget = this::forget;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile long nextIdleSweepMillis;
    private volatile int nextCapacitySweepSize;

    public ChatBreakerRegistry(BreakerConfig config, InstantSource clock, BreakerListener listener) {
        this(config, clock, listener, EvictionPolicy.DEFAULTS);
    }

    public ChatBreakerRegistry(BreakerConfig config, InstantSource clock, BreakerListener listener,
                               EvictionPolicy eviction) {
        this.transitions = new BreakerTransitions(config);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.eviction = Objects.requireNonNull(eviction, "eviction");
        this.nextIdleSweepMillis = clock.millis() + eviction.idleAfter().toMillis();
        this.nextCapacitySweepSize = eviction.maxTracked();
    }

    public BreakerConfig config() {
        return transitions.config();
    }

    /** See {@link CircuitBreaker#tryAcquirePermission()}; a healthy chat gets {@link Permission#ADMITTED}. */
    public Permission tryAcquirePermission(ChatId chatId) {
        CircuitBreaker breaker = breakers.get(chatId);
        return breaker == null ? Permission.ADMITTED : breaker.tryAcquirePermission();
    }

    /** See {@link CircuitBreaker#onSuccess()}; a healthy chat stays untracked. */
    public void onSuccess(ChatId chatId) {
        CircuitBreaker breaker = breakers.get(chatId);
        if (breaker != null) {
            breaker.onSuccess();
        }
    }

    /** See {@link CircuitBreaker#onFailure(ErrorCode)}; the chat becomes tracked on its first counted failure. */
    public void onFailure(ChatId chatId, ErrorCode code) {
        Objects.requireNonNull(chatId, "chatId");
        if (!Objects.requireNonNull(code, "code").countsAgainstBreaker()) {
            return;
        }
        for (;;) {
            CircuitBreaker breaker = breakers.get(chatId);
            if (breaker == null || breaker.retired()) {
                breaker = breakers.compute(chatId, createUnlessLive);
            }
            if (breaker.recordFailure(code)) {
                break;
            }
        }
        maybeEvict(chatId);
    }

    /** See {@link CircuitBreaker#releasePermission()}. */
    public void releasePermission(ChatId chatId) {
        CircuitBreaker breaker = breakers.get(chatId);
        if (breaker != null) {
            breaker.releasePermission();
        }
    }

    /** The chat's current state; {@link BreakerState.Closed#HEALTHY} for an untracked chat. */
    public BreakerState state(ChatId chatId) {
        CircuitBreaker breaker = breakers.get(chatId);
        return breaker == null ? BreakerState.Closed.HEALTHY : breaker.state();
    }

    /** Exact time until the chat's OPEN breaker admits a probe; zero otherwise. */
    public Duration remainingOpenTime(ChatId chatId) {
        CircuitBreaker breaker = breakers.get(chatId);
        return breaker == null ? Duration.ZERO : breaker.remainingOpenTime();
    }

    /** Number of tracked chats (chats with failures, open or half-open). */
    public int size() {
        return breakers.size();
    }

    /**
     * How many tracked chats are in state {@code kind} now (their stored state: an OPEN breaker whose
     * open time has elapsed counts as OPEN until a request probes it). O(tracked chats).
     */
    public int count(BreakerState.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        int count = 0;
        for (CircuitBreaker breaker : breakers.values()) {
            if (breaker.state().kind() == kind) {
                count++;
            }
        }
        return count;
    }

    /** Evicts idle CLOSED entries and, above the size bound, the least recently failed ones; returns how many. */
    public int evictIdle() {
        return evict(null);
    }

    private int evict(ChatId spare) {
        if (!sweeping.compareAndSet(false, true)) {
            return 0;
        }
        try {
            long now = clock.millis();
            nextIdleSweepMillis = now + Math.max(1, eviction.idleAfter().toMillis() / 2);
            return sweep(now, spare);
        } finally {
            sweeping.set(false);
        }
    }

    private CircuitBreaker createUnlessLive(ChatId chatId, CircuitBreaker current) {
        return current == null || current.retired()
                ? new CircuitBreaker(chatId, transitions, clock, listener, forget)
                : current;
    }

    private void forget(CircuitBreaker retired) {
        breakers.remove(retired.chatId(), retired);
    }

    /** Evicts if due; {@code spare} is the chat that just failed: its count must not be lost at once. */
    private void maybeEvict(ChatId spare) {
        if (breakers.size() > nextCapacitySweepSize || clock.millis() >= nextIdleSweepMillis) {
            evict(spare);
        }
    }

    private int sweep(long now, ChatId spare) {
        long idleCutoff = now - eviction.idleAfter().toMillis();
        int evicted = 0;
        List<CircuitBreaker> closed = new ArrayList<>();
        for (CircuitBreaker breaker : breakers.values()) {
            if (breaker.state() instanceof BreakerState.Closed && !breaker.chatId().equals(spare)) {
                if (breaker.lastActivityMillis() <= idleCutoff && breaker.retireIfClosed()) {
                    evicted++;
                } else {
                    closed.add(breaker);
                }
            }
        }
        int max = eviction.maxTracked();
        int excess = breakers.size() - (max - max / 10);
        if (breakers.size() > max && excess > 0) {
            closed.sort(Comparator.comparingLong(CircuitBreaker::lastActivityMillis));
            for (int i = 0; i < closed.size() && excess > 0; i++) {
                if (closed.get(i).retireIfClosed()) {
                    evicted++;
                    excess--;
                }
            }
        }
        // Only OPEN/HALF_OPEN entries may be left above the bound: don't rescan until it grows by 10 %.
        nextCapacitySweepSize = Math.max(max, breakers.size() + Math.max(1, max / 10));
        return evicted;
    }
}
