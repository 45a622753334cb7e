package dev.parley.domain.chat;

import dev.parley.domain.error.ErrorCode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A decided move of a turn, made by {@link Turn}: the state it expects the stored turn to be in and
 * the turn it leaves behind ({@link #result()}). A store applies it atomically and only if the stored
 * user message still has {@link #expectedStatus()} and, when {@link #expectedUpdatedAt()} is present,
 * exactly that update time; otherwise it changes nothing.
 *
 * <p>Only legal moves can be built: PENDING → COMPLETED (with the reply), PENDING → FAILED (with a
 * code), FAILED → PENDING and PENDING → PENDING (a takeover, which must expect the update time it
 * saw). Immutable.
 */
public record TurnTransition(MessageStatus expectedStatus, Optional<Instant> expectedUpdatedAt, Turn result) {
    public TurnTransition {
        Objects.requireNonNull(expectedStatus, "expectedStatus");
        Objects.requireNonNull(expectedUpdatedAt, "expectedUpdatedAt");
        Objects.requireNonNull(result, "result");
        if (!legal(expectedStatus, result, expectedUpdatedAt.isPresent())) {
            throw new IllegalArgumentException("illegal turn transition " + expectedStatus + " -> "
                    + result.status() + (expectedUpdatedAt.isPresent() ? " (exact)" : ""));
        }
    }

    /** A move that expects only the stored status. */
    static TurnTransition fromStatus(MessageStatus expected, Turn result) {
        return new TurnTransition(expected, Optional.empty(), result);
    }

    /** A move that expects the stored turn exactly as {@code seen}: its status and update time. */
    static TurnTransition fromExactly(Turn seen, Turn result) {
        return new TurnTransition(seen.status(), Optional.of(seen.updatedAt()), result);
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

    /** When the move happens: the turn's new update time. */
    public Instant at() {
        return result.updatedAt();
    }

    private static boolean legal(MessageStatus from, Turn to, boolean exact) {
        boolean hasCode = to.userMessage().errorCode().isPresent();
        return switch (to.status()) {
            case COMPLETED -> from == MessageStatus.PENDING && to.reply().isPresent() && !hasCode;
            case FAILED -> from == MessageStatus.PENDING && hasCode;
            case PENDING -> !hasCode && (from == MessageStatus.FAILED || from == MessageStatus.PENDING && exact);
        };
    }
}
