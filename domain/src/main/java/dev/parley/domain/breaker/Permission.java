package dev.parley.domain.breaker;

import dev.parley.domain.chat.ChatId;
import java.time.Duration;
import java.util.Objects;

/**
 * The answer of a breaker to "may I make a call now?".
 *
 * <ul>
 *   <li>{@link Decision#ADMITTED}: the breaker is CLOSED; the shared constant {@link #ADMITTED} is
 *       returned, so asking allocates nothing.</li>
 *   <li>{@link Decision#PROBE}: the breaker is HALF_OPEN and the caller holds one of its probe
 *       permits ({@link #PROBE}). The caller must report the outcome; if the outcome says nothing
 *       about the provider (not a success, not a counted failure) it must release the permit.</li>
 *   <li>{@link Decision#REFUSED}: no call; {@link #retryAfter()} is the exact remaining open time
 *       (OPEN), or {@link #HALF_OPEN_BUSY_RETRY_AFTER} when every probe permit is taken.</li>
 * </ul>
 *
 * @param decision   admitted, probe or refused
 * @param state      the kind of state that answered
 * @param retryAfter zero unless refused; never negative
 */
public record Permission(Decision decision, BreakerState.Kind state, Duration retryAfter) {

    /** Whether and how a call may go ahead. */
    public enum Decision { ADMITTED, PROBE, REFUSED }

    /** Suggested wait when a HALF_OPEN breaker has no probe permit left: its probe is still running. */
    public static final Duration HALF_OPEN_BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    public static final Permission ADMITTED = new Permission(Decision.ADMITTED, BreakerState.Kind.CLOSED, Duration.ZERO);
    public static final Permission PROBE = new Permission(Decision.PROBE, BreakerState.Kind.HALF_OPEN, Duration.ZERO);

    public Permission {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
    }

    /** A refusal by a breaker in {@code state}, to be retried after {@code retryAfter}. */
    public static Permission refused(BreakerState.Kind state, Duration retryAfter) {
        return new Permission(Decision.REFUSED, state, retryAfter);
    }

    /** Whether the call may go ahead (admitted or as a probe). */
    public boolean permitted() {
        return decision != Decision.REFUSED;
    }

    /** Whether the caller holds a half-open probe permit. */
    public boolean probe() {
        return decision == Decision.PROBE;
    }

    /** The exception that reports this refusal for {@code chatId}. */
    public CircuitOpenException toException(ChatId chatId) {
        if (permitted()) {
            throw new IllegalStateException("permission was granted, not refused");
        }
        return new CircuitOpenException(chatId, retryAfter);
    }
}
