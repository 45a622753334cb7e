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
import java.util.concurrent.atomic.AtomicReference;
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
 * tombstone state, seen from outside as healthy CLOSED) and dropped from the registry.
 */
public final class CircuitBreaker {

    /** Tombstone of a breaker dropped from its registry: healthy, terminal, compared by identity. */
    static final Closed RETIRED = new Closed(0);

    private final ChatId chatId;
    private final BreakerTransitions transitions;
    private final InstantSource clock;
    private final BreakerListener listener;
    private final Consumer<CircuitBreaker> onRetired;
    private final AtomicReference<BreakerState> state = new AtomicReference<>(Closed.HEALTHY);
    private volatile long lastActivityMillis;

    /** A stand-alone breaker for {@code chatId}, starting healthy CLOSED; it is never retired. */
    public CircuitBreaker(ChatId chatId, BreakerConfig config, InstantSource clock, BreakerListener listener) {
        this(chatId, new BreakerTransitions(config), clock, listener, null);
    }

    CircuitBreaker(ChatId chatId, BreakerTransitions transitions, InstantSource clock,
                   BreakerListener listener, Consumer<CircuitBreaker> onRetired) {
        this.chatId = Objects.requireNonNull(chatId, "chatId");
        this.transitions = Objects.requireNonNull(transitions, "transitions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onRetired = onRetired;
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
            if (swap(current, next, now)) {
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
        return onRetired != null && current instanceof Closed && current != RETIRED && swap(current, RETIRED, null);
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
            if (next == current || swap(current, next, now)) {
                return true;
            }
        }
    }

    /** One compare-and-set; side effects only after it succeeded, so exactly once per transition. */
    private boolean swap(BreakerState current, BreakerState next, Instant now) {
        if (!state.compareAndSet(current, next)) {
            return false;
        }
        if (current.kind() != next.kind()) {
            notifyListener(new CircuitTransition(chatId, current, next, now));
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
