package dev.parley.domain.chat;

import dev.parley.domain.error.ErrorCode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One turn of a chat as the store last showed it: the user's message (its status is the turn's
 * state), when that state last changed, and the persona's reply once the turn is answered.
 *
 * <p>States: {@code PENDING} while a reply is being generated, {@code COMPLETED} once answered,
 * {@code FAILED} when no reply could be made. The legal moves are the methods below; each returns a
 * {@link TurnTransition} that the store applies only if the turn is still in the state the
 * decision expected:
 * <ul>
 *   <li>{@link #complete}: PENDING → COMPLETED, with the reply;</li>
 *   <li>{@link #fail}: PENDING → FAILED, with the code (a turn is marked failed only while pending);</li>
 *   <li>{@link #claimForRetry}: FAILED → PENDING, or a stale PENDING → PENDING (its request is
 *       presumed dead); anything else is not claimable.</li>
 * </ul>
 * Immutable; a decision never changes this object.
 */
public record Turn(Message userMessage, Instant updatedAt, Optional<Message> reply) {
    public Turn {
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(reply, "reply");
        if (userMessage.role() != MessageRole.USER) {
            throw new IllegalArgumentException("a turn is a user message's: " + userMessage.role());
        }
        if (reply.isPresent() && (userMessage.status() != MessageStatus.COMPLETED
                || !reply.get().replyTo().equals(Optional.of(userMessage.id())))) {
            throw new IllegalArgumentException("only a completed turn has a reply, and it answers its message");
        }
    }

    /** The turn of a user message just stored: pending since its creation, no reply. */
    public static Turn begun(Message userMessage) {
        return new Turn(userMessage, userMessage.createdAt(), Optional.empty());
    }

    public MessageStatus status() {
        return userMessage.status();
    }

    /**
     * Decides whether another generation may take this turn over at {@code now}: a FAILED turn, or a
     * PENDING one untouched since before {@code staleBefore}, is {@link RetryClaim.Claimed} (the
     * claim expects the turn exactly as seen, status and update time, so of several requests that
     * saw it only one claim applies); a live PENDING one is {@link RetryClaim.Busy}; a COMPLETED one
     * is {@link RetryClaim.Answered}.
     */
    public RetryClaim claimForRetry(Instant now, Instant staleBefore) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(staleBefore, "staleBefore");
        return switch (status()) {
            case COMPLETED -> new RetryClaim.Answered(this);
            case PENDING -> updatedAt.isBefore(staleBefore) ? new RetryClaim.Claimed(claim(now))
                    : new RetryClaim.Busy(this);
            case FAILED -> new RetryClaim.Claimed(claim(now));
        };
    }

    /**
     * Completes this pending turn with {@code reply} (which answers its user message) at the reply's
     * creation time.
     *
     * @throws IllegalStateException if the turn is not pending
     */
    public TurnTransition complete(Message reply) {
        requirePending("complete");
        Objects.requireNonNull(reply, "reply");
        Message answered = userMessage.withStatus(MessageStatus.COMPLETED, Optional.empty());
        return TurnTransition.fromStatus(MessageStatus.PENDING,
                new Turn(answered, reply.createdAt(), Optional.of(reply)));
    }

    /**
     * Fails this pending turn with {@code code} at {@code at}; the user message stays, for a retry.
     *
     * @throws IllegalStateException if the turn is not pending
     */
    public TurnTransition fail(ErrorCode code, Instant at) {
        requirePending("fail");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(at, "at");
        Message failed = userMessage.withStatus(MessageStatus.FAILED, Optional.of(code));
        return TurnTransition.fromStatus(MessageStatus.PENDING, new Turn(failed, at, Optional.empty()));
    }

    private TurnTransition claim(Instant now) {
        Message pending = userMessage.withStatus(MessageStatus.PENDING, Optional.empty());
        return TurnTransition.fromExactly(this, new Turn(pending, now, Optional.empty()));
    }

    private void requirePending(String move) {
        if (status() != MessageStatus.PENDING) {
            throw new IllegalStateException("cannot " + move + " a " + status() + " turn");
        }
    }
}
