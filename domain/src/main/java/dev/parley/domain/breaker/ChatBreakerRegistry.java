package dev.parley.domain.breaker;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
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
 *
 * <p><b>Across a cluster</b> (a {@link SharedBreakers} other than {@link SharedBreakers#NONE}):
 * failures are still counted where they happen. A breaker's own opening is written to the shared
 * store at once (without blocking the caller) and its probe success closes the shared breaker;
 * {@link #synchronize()}, run every few hundred milliseconds, reads the cluster's open breakers in one
 * round trip and makes the local ones mirror them (open for the same remaining time, closed when
 * closed elsewhere). A probe is claimed in the store before it passes, so one probe runs cluster-wide.
 * A healthy chat still costs no round trip and no memory: only chats with an entry ever reach the
 * store. When the store fails, each instance's breakers go on working on their own; openings and
 * closings not written yet are written by the next synchronisation that reaches it.
 */
public final class ChatBreakerRegistry {

    private final BreakerTransitions transitions;
    private final InstantSource clock;
    private final BreakerListener listener;
    private final EvictionPolicy eviction;
    private final ConcurrentHashMap<ChatId, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final BiFunction<ChatId, CircuitBreaker, CircuitBreaker> createUnlessLive = this::createUnlessLive;
    private final Consumer<CircuitBreaker> forget = this::forget;
    private final SharedBreakers shared;
    private final BiConsumer<CircuitBreaker, CircuitTransition> share;
    private final AtomicLong syncRound = new AtomicLong();
    /** Chats whose breaker closed here and whose shared row may still be read: not mirrored meanwhile. */
    private final ConcurrentHashMap<ChatId, Closing> closing = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile long nextIdleSweepMillis;
    private volatile int nextCapacitySweepSize;

    public ChatBreakerRegistry(BreakerConfig config, InstantSource clock, BreakerListener listener) {
        this(config, clock, listener, EvictionPolicy.DEFAULTS);
    }

    public ChatBreakerRegistry(BreakerConfig config, InstantSource clock, BreakerListener listener,
                               EvictionPolicy eviction) {
        this(config, clock, listener, eviction, SharedBreakers.NONE);
    }

    /** A registry whose breakers the instances of a cluster share through {@code shared}. */
    public ChatBreakerRegistry(BreakerConfig config, InstantSource clock, BreakerListener listener,
                               EvictionPolicy eviction, SharedBreakers shared) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.share = shared == SharedBreakers.NONE ? null : this::share;
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

    /**
     * See {@link CircuitBreaker#tryAcquirePermission()}; a healthy chat gets {@link Permission#ADMITTED}.
     * Across a cluster a probe is only handed out once it is claimed in the shared store (the one
     * round trip on this path, once per open period); when others hold the claim, or the shared
     * breaker was opened again meanwhile, the call is refused.
     */
    public Permission tryAcquirePermission(ChatId chatId) {
        CircuitBreaker breaker = breakers.get(chatId);
        if (breaker == null) {
            return Permission.ADMITTED;
        }
        Permission permission = breaker.tryAcquirePermission();
        return permission.probe() && share != null ? claimProbe(breaker, permission) : permission;
    }

    private Permission claimProbe(CircuitBreaker breaker, Permission probe) {
        ProbeClaim claim;
        try {
            claim = Objects.requireNonNull(shared.claimProbe(breaker.chatId(), config().halfOpenPermits()));
        } catch (RuntimeException unavailable) {
            return probe; // the store is away: this instance decides alone
        }
        switch (claim.outcome()) {
            case CLAIMED -> {
                breaker.claims.incrementAndGet();
                return probe;
            }
            case NOT_SHARED -> {
                return probe;
            }
            default -> {
                if (!claim.remaining().isZero()) { // opened again elsewhere: mirror it
                    breaker.adopt(new SharedOpen(breaker.chatId(), claim.generation(), claim.remaining(), false),
                            syncRound.get(), clock.instant(), config().halfOpenPermits());
                    return Permission.refused(BreakerState.Kind.OPEN, claim.remaining());
                }
                // the permit just taken stands for the probe another instance runs; synchronize() gives it
                // back if that probe goes without an outcome
                return Permission.refused(BreakerState.Kind.HALF_OPEN, Permission.HALF_OPEN_BUSY_RETRY_AFTER);
            }
        }
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
            if (share != null && breaker.claims.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                try {
                    shared.releaseProbe(chatId);
                } catch (RuntimeException unavailable) {
                    // the claim lapses with its lease
                }
            }
        }
    }

    /**
     * One synchronisation with the cluster (a no-op without one): writes this instance's openings and
     * closings that did not reach the store yet, then reads the cluster's open breakers (one round trip)
     * and makes the local ones mirror them: opens chats opened elsewhere for the same remaining time,
     * closes chats whose shared breaker is gone, takes over re-openings. If the store fails, the local
     * breakers stay as they are. Not to be run by two threads at once (a periodic task runs it).
     *
     * @return how many shared open breakers were read (0 without a cluster)
     * @throws RuntimeException when the store cannot be read (nothing changed locally)
     */
    public int synchronize() {
        if (share == null) {
            return 0;
        }
        long round = syncRound.incrementAndGet();
        closing.forEach((chat, pending) -> {
            if (pending.failed) {
                pending.failed = false;
                sendClose(chat, pending);
            }
        });
        for (CircuitBreaker breaker : breakers.values()) {
            if (unshared(breaker)) {
                publishOpen(breaker);
            }
        }
        List<SharedOpen> open = shared.openBreakers();
        Instant now = clock.instant();
        Map<ChatId, SharedOpen> byChat = new HashMap<>();
        for (SharedOpen row : open) {
            byChat.put(row.chatId(), row);
            Closing pending = closing.get(row.chatId());
            if (pending == null || pending.generation != 0 && row.generation() > pending.generation) {
                mirror(row, round, now);
            }
        }
        for (CircuitBreaker breaker : breakers.values()) {
            if (!byChat.containsKey(breaker.chatId()) && breaker.generation() != 0
                    && breaker.sharedSinceRound() < round && !(breaker.state() instanceof BreakerState.Closed)) {
                breaker.adoptClosed(now); // closed elsewhere
            }
        }
        closing.entrySet().removeIf(e -> e.getValue().doneRound >= 0 && e.getValue().doneRound < round);
        return open.size();
    }

    /** An opening of this instance that is not in the store yet, nor being written. */
    private static boolean unshared(CircuitBreaker breaker) {
        return breaker.state() instanceof BreakerState.Open && breaker.generation() == 0 && !breaker.publishing.get();
    }

    private void mirror(SharedOpen row, long round, Instant now) {
        for (;;) {
            CircuitBreaker breaker = breakers.get(row.chatId());
            if (breaker != null && !breaker.retired()) {
                if (breaker.state() instanceof BreakerState.Open && breaker.generation() == 0) {
                    return; // its own opening is being written: the answer tells which opening holds
                }
            } else {
                breaker = breakers.compute(row.chatId(), createUnlessLive);
            }
            if (breaker.adopt(row, round, now, config().halfOpenPermits())) {
                return;
            }
        }
    }

    /** This instance's own transition: openings and closings go to the store. */
    private void share(CircuitBreaker breaker, CircuitTransition transition) {
        if (transition.to() instanceof BreakerState.Open) {
            breaker.unshare();
            publishOpen(breaker);
        } else if (transition.to() instanceof BreakerState.Closed) {
            Closing pending = new Closing(breaker.generation());
            closing.put(breaker.chatId(), pending);
            sendClose(breaker.chatId(), pending);
        }
    }

    private void publishOpen(CircuitBreaker breaker) {
        if (!breaker.publishing.compareAndSet(false, true)) {
            return;
        }
        CompletionStage<SharedOpen> written;
        try {
            written = shared.publishOpen(breaker.chatId(), config().openDuration());
        } catch (RuntimeException unavailable) {
            breaker.publishing.set(false); // the next synchronisation tries again
            return;
        }
        written.whenComplete((row, error) -> {
            breaker.publishing.set(false);
            if (error == null && row != null) {
                breaker.adopt(row, syncRound.get(), clock.instant(), config().halfOpenPermits());
            }
        });
    }

    private void sendClose(ChatId chat, Closing pending) {
        try {
            shared.publishClose(chat).whenComplete((done, error) -> {
                if (error == null) {
                    pending.doneRound = syncRound.get();
                } else {
                    pending.failed = true;
                }
            });
        } catch (RuntimeException unavailable) {
            pending.failed = true;
        }
    }

    /** A closing of this instance on its way to the store; rows up to its generation are not mirrored. */
    private static final class Closing {
        final long generation;
        volatile long doneRound = -1;
        volatile boolean failed;

        Closing(long generation) {
            this.generation = generation;
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
                ? new CircuitBreaker(chatId, transitions, clock, listener, forget, share)
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
