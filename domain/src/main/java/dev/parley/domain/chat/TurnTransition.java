package dev.parley.domain.chat;

import dev.parley.domain.error.ErrorCode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A decided move of a turn, made by {@link Turn}: the state it expects the stored turn to be in and
 * the turn it leaves behind ({@link #result()}). A store applies it atomically and only if the stored
 * user message still has {@link #expectedStatus()} and exactly {@link #expectedUpdatedAt()} (the
 * lease of the request that decided it); otherwise it changes nothing.
 *
 * <p>Only legal moves can be built: PENDING → COMPLETED (with the reply), FAILED → COMPLETED (the
 * repair of a turn whose reply is stored), PENDING → FAILED (with a code), FAILED → PENDING and
 * PENDING → PENDING (claims). Immutable.
 */
public record TurnTransition(MessageStatus expectedStatus, Instant expectedUpdatedAt, Turn result) {
    public TurnTransition {
        Objects.requireNonNull(expectedStatus, "expectedStatus");
        Objects.requireNonNull(expectedUpdatedAt, "expectedUpdatedAt");
        Objects.requireNonNull(result, "result");
        if (!legal(expectedStatus, result)) {
            throw new IllegalArgumentException("illegal turn transition " + expectedStatus + " -> " + result.status());
        }
    }

    /** A move that expects the stored turn exactly as {@code seen}: its status and update time. */
    static TurnTransition fromExactly(Turn seen, Turn result) {
        return new TurnTransition(seen.status(), seen.updatedAt(), result);
    }

    public MessageId userMessageId() {
        return result.userMessage().id();
    }

    /** The status the move leaves the turn in. */
    public MessageStatus newStatus() {
        return result.status();
    }

    /** The failure code the move records (present only for a move to FAILED). */
    public Optional<ErrorCode> errorCode() {
        return result.userMessage().errorCode();
    }

    /** When the move happens: the turn's new update time (the new lease). */
    public Instant at() {
        return result.updatedAt();
    }

    private static boolean legal(MessageStatus from, Turn to) {
        boolean hasCode = to.userMessage().errorCode().isPresent();
        return switch (to.status()) {
            case COMPLETED -> from != MessageStatus.COMPLETED && to.reply().isPresent() && !hasCode;
            case FAILED -> from == MessageStatus.PENDING && hasCode && to.reply().isEmpty();
            case PENDING -> from != MessageStatus.COMPLETED && !hasCode && to.reply().isEmpty();
        };
    }
}
