package dev.parley.domain.breaker;

import dev.parley.domain.breaker.BreakerState.Closed;
import dev.parley.domain.breaker.BreakerState.HalfOpen;
import dev.parley.domain.breaker.BreakerState.Open;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The circuit breaker of one chat: CLOSED → OPEN after {@link BreakerConfig#failureThreshold()}
 * consecutive counted failures → HALF_OPEN lazily, on the first permission check once
 * {@link BreakerConfig#openDuration()} has passed (no timer) → CLOSED on a probe success, OPEN again
 * on a probe failure. The rules themselves live in {@link BreakerTransitions}.
 *
 * <p>Thread-safe and lock-free: the current {@link BreakerState} sits in an {@link AtomicReference}
 * swapped by compare-and-set loops; the {@link BreakerListener} is told after a successful swap,
 * exactly once per transition. Only failures whose {@link ErrorCode#countsAgainstBreaker()} is true
 * count; others change nothing. On a CLOSED breaker, {@link #tryAcquirePermission()} and
 * {@link #onSuccess()} neither read the clock nor allocate. Time comes from the injected clock only.
 *
 * <p>Usually obtained through {@link ChatBreakerRegistry}, which keeps breakers only for chats that
 * have failures; a registry-owned breaker that becomes healthy again is retired (an internal
 * tombstone state, seen from outside as healthy CLOSED) and dropped from the registry. A registry
 * that shares its breakers with a cluster ({@link SharedBreakers}) hears of this breaker's own
 * transitions, and makes it mirror the cluster's through the package-private {@code adopt} methods,
 * whose transitions the listener hears of but the cluster does not (it made them).
 */
public final class CircuitBreaker {

    /** Tombstone of a breaker dropped from its registry: healthy, terminal, compared by identity. */
    static final Closed RETIRED = new Closed(0);

    private final ChatId chatId;
    private final BreakerTransitions transitions;
    private final InstantSource clock;
    private final BreakerListener listener;
    private final Consumer<CircuitBreaker> onRetired;
    private final BiConsumer<CircuitBreaker, CircuitTransition> onOwnTransition;
    private final AtomicReference<BreakerState> state = new AtomicReference<>(Closed.HEALTHY);
    private volatile long lastActivityMillis;
    /** The shared breaker's generation this breaker mirrors; 0 while its own opening is not shared yet. */
    private volatile long generation;
    /** The registry's synchronisation round in which {@link #generation} was last set. */
    private volatile long sharedSinceRound;
    /** Probe claims this instance holds in the cluster for this chat. */
    final AtomicInteger claims = new AtomicInteger();
    /** Whether an opening of this breaker is being written to the cluster now. */
    final AtomicBoolean publishing = new AtomicBoolean();

    /** A stand-alone breaker for {@code chatId}, starting healthy CLOSED; it is never retired. */
    public CircuitBreaker(ChatId chatId, BreakerConfig config, InstantSource clock, BreakerListener listener) {
        this(chatId, new BreakerTransitions(config), clock, listener, null, null);
    }

    CircuitBreaker(ChatId chatId, BreakerTransitions transitions, InstantSource clock,
                   BreakerListener listener, Consumer<CircuitBreaker> onRetired,
                   BiConsumer<CircuitBreaker, CircuitTransition> onOwnTransition) {
        this.chatId = Objects.requireNonNull(chatId, "chatId");
        this.transitions = Objects.requireNonNull(transitions, "transitions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onRetired = onRetired;
        this.onOwnTransition = onOwnTransition;
        this.lastActivityMillis = clock.millis();
    }

    public ChatId chatId() {
        return chatId;
    }

    /** The current state, as it is (an elapsed OPEN state stays OPEN until the next permission check). */
    public BreakerState state() {
        return state.get();
    }

    /** Exact time until an OPEN breaker admits a probe; zero in any other state. Never negative. */
    public Duration remainingOpenTime() {
        return state.get() instanceof Open open ? open.remaining(clock.instant()) : Duration.ZERO;
    }

    /**
     * Asks to make one call now. CLOSED admits ({@link Permission#ADMITTED}); an elapsed OPEN becomes
     * HALF_OPEN and hands out a probe; HALF_OPEN hands out probes while permits are left; otherwise
     * the call is refused with the exact remaining open time.
     */
    public Permission tryAcquirePermission() {
        if (state.get() instanceof Closed) {
            return Permission.ADMITTED;
        }
        Instant now = clock.instant();
        for (;;) {
            BreakerState current = state.get();
            if (current instanceof Closed) {
                return Permission.ADMITTED;
            }
            BreakerState next = transitions.next(current, BreakerEvent.PERMISSION_REQUESTED, now);
            if (next == current) {
                return current instanceof Open open
                        ? Permission.refused(BreakerState.Kind.OPEN, open.remaining(now))
                        : Permission.refused(BreakerState.Kind.HALF_OPEN, Permission.HALF_OPEN_BUSY_RETRY_AFTER);
            }
            if (swap(current, next, now, true)) {
                return Permission.PROBE;
            }
        }
    }

    /** Records a successful call: resets the failure count, or closes a HALF_OPEN breaker. */
    public void onSuccess() {
        if (state.get() instanceof Closed closed && closed.healthy()) {
            return;
        }
        apply(BreakerEvent.SUCCESS, clock.instant());
    }

    /** Records a failed call; ignored unless {@code code.countsAgainstBreaker()}. */
    public void onFailure(ErrorCode code) {
        recordFailure(code);
    }

    /** Gives back an unused HALF_OPEN probe permit (never above the configured number); otherwise no-op. */
    public void releasePermission() {
        if (state.get() instanceof HalfOpen) {
            apply(BreakerEvent.PERMIT_RELEASED, clock.instant());
        }
    }

    /** Records a failure; false if this breaker has been retired and the caller must use a fresh one. */
    boolean recordFailure(ErrorCode code) {
        if (!Objects.requireNonNull(code, "code").countsAgainstBreaker()) {
            return true;
        }
        Instant now = clock.instant();
        lastActivityMillis = now.toEpochMilli();
        return apply(BreakerEvent.COUNTED_FAILURE, now);
    }

    boolean retired() {
        return state.get() == RETIRED;
    }

    long lastActivityMillis() {
        return lastActivityMillis;
    }

    /** Retires this registry-owned breaker if it is CLOSED (never when OPEN or HALF_OPEN). */
    boolean retireIfClosed() {
        BreakerState current = state.get();
        return onRetired != null && current instanceof Closed && current != RETIRED
                && swap(current, RETIRED, null, true);
    }

    private boolean apply(BreakerEvent event, Instant now) {
        for (;;) {
            BreakerState current = state.get();
            if (current == RETIRED) {
                return event != BreakerEvent.COUNTED_FAILURE;
            }
            BreakerState next = transitions.next(current, event, now);
            if (onRetired != null && next instanceof Closed closed && closed.healthy()) {
                next = RETIRED;
            }
            if (next == current || swap(current, next, now, true)) {
                return true;
            }
        }
    }

    long generation() {
        return generation;
    }

    long sharedSinceRound() {
        return sharedSinceRound;
    }

    /** Forgets which shared generation this breaker mirrors: its own new opening is not shared yet. */
    void unshare() {
        generation = 0;
    }

    /**
     * Mirrors the cluster's open breaker {@code shared}, learned in synchronisation round {@code round}:
     * a CLOSED or HALF_OPEN breaker opens for the shared remaining time (a HALF_OPEN one only if that
     * time is not over: otherwise its probe is the cluster's); an OPEN one takes the shared remaining
     * time when it mirrors another generation; a HALF_OPEN one whose permits stood for another
     * instance's probe gets them back once that probe is gone. False if this breaker is retired.
     */
    boolean adopt(SharedOpen shared, long round, Instant now, int permits) {
        for (;;) {
            BreakerState current = state.get();
            if (current == RETIRED) {
                return false;
            }
            BreakerState next = current;
            boolean otherGeneration = shared.generation() != generation;
            if (current instanceof Closed
                    || current instanceof Open && otherGeneration
                    || current instanceof HalfOpen && !shared.remaining().isZero()) {
                next = new Open(now, now.plus(shared.remaining()));
            } else if (current instanceof HalfOpen halfOpen && !otherGeneration && !shared.probing()
                    && claims.get() == 0 && halfOpen.permitsLeft() < permits) {
                next = new HalfOpen(permits);
            }
            if (next == current || swap(current, next, now, false)) {
                generation = shared.generation();
                sharedSinceRound = round;
                return true;
            }
        }
    }

    /**
     * The cluster closed this chat's breaker (a probe succeeded elsewhere): an OPEN breaker passes
     * through HALF_OPEN to CLOSED, a HALF_OPEN one closes; a registry-owned breaker is retired.
     */
    void adoptClosed(Instant now) {
        for (;;) {
            BreakerState current = state.get();
            if (current instanceof Closed) {
                return;
            }
            BreakerState next = current instanceof Open ? new HalfOpen(0)
                    : onRetired != null ? RETIRED : Closed.HEALTHY;
            if (swap(current, next, now, false) && next instanceof Closed) {
                return;
            }
        }
    }

    /**
     * One compare-and-set; side effects only after it succeeded, so exactly once per transition.
     * {@code own}: caused by this instance's calls (the cluster hears of it), not mirrored from it.
     */
    private boolean swap(BreakerState current, BreakerState next, Instant now, boolean own) {
        if (!state.compareAndSet(current, next)) {
            return false;
        }
        if (current.kind() != next.kind()) {
            CircuitTransition transition = new CircuitTransition(chatId, current, next, now);
            notifyListener(transition);
            if (own && onOwnTransition != null) {
                onOwnTransition.accept(this, transition);
            }
        }
        if (next == RETIRED) {
            onRetired.accept(this);
        }
        return true;
    }

    private void notifyListener(CircuitTransition transition) {
        try {
            listener.onTransition(transition);
        } catch (RuntimeException e) {
            Thread thread = Thread.currentThread();
            thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
        }
    }
}
