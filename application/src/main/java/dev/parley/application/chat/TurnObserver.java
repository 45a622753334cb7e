package dev.parley.application.chat;

import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import java.time.Duration;

/**
 * Hears how one send's turn goes while it goes, for the sender (the REST adapter streams it as the
 * reply's events). Every method has a do-nothing default. Called on whatever thread moves the turn
 * (the request's, the provider's, the scheduler's), never two at once for one turn, in this order:
 * {@link #stored}, then {@link #accepted} for a turn that is answered (generated or replayed), then for
 * a {@linkplain #streaming() streamed} turn its attempts' {@link #delta}s with a {@link #retrying}
 * after each failed attempt that will be tried again. How the turn ends is the stage that
 * {@link SendMessageUseCase#send} returns. Implementations must be quick and must not block or throw
 * (what a {@link #delta} or {@link #retrying} throws is logged and dropped: the sender's trouble never
 * reaches the provider).
 */
public interface TurnObserver {
    /** Nobody listens. */
    TurnObserver NONE = new TurnObserver() {
    };

    /**
     * The turn is known: its user message is stored, or found under the idempotency key, before the
     * reply, so that a sender that must give up waiting can still name the message to retry. Also for
     * a turn then answered as in progress.
     */
    default void stored(MessageId userMessageId) {
    }

    /**
     * The turn will be answered here: its user message as stored (or claimed) for a turn to generate,
     * or the completed one for a replay. Not called when the send is refused (a turn in progress, a
     * reused key, the balance, the limits), nor for a turn the database then loses.
     */
    default void accepted(Message userMessage) {
    }

    /**
     * Whether the reply should be streamed: each attempt's text then reaches {@link #delta} as the
     * provider writes it. Asked once, before the first attempt.
     */
    default boolean streaming() {
        return false;
    }

    /**
     * The next piece of attempt {@code attempt}'s reply. Pieces of an attempt that failed are void: a
     * {@link #retrying} follows them (or the turn's failure), and the next attempt starts from nothing.
     */
    default void delta(int attempt, String text) {
    }

    /** Attempt {@code attempt} failed with {@code code}; the next one starts after {@code backoff}. */
    default void retrying(int attempt, ErrorCode code, Duration backoff) {
    }
}
