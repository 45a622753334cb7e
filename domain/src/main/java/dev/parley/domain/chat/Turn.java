package dev.parley.domain.chat;

import dev.parley.domain.error.ErrorCode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One turn of a chat as the store last showed it: the user's message (its status is the turn's
 * state), when that state last changed, and the persona's reply if one is stored.
 *
 * <p>States: {@code PENDING} while a reply is being generated, {@code COMPLETED} once answered,
 * {@code FAILED} when no reply could be made. The legal moves are the methods below; each returns a
 * {@link TurnTransition} that the store applies only if the turn is still exactly as this object
 * shows it (status and update time). The update time is therefore the <em>lease</em> of the request
 * that holds the turn: a takeover moves it, and the request that lost the turn can then neither
 * complete nor fail it.
 * <ul>
 *   <li>{@link #complete}: PENDING → COMPLETED, with the reply;</li>
 *   <li>{@link #fail}: PENDING → FAILED, with the code (a turn is marked failed only while pending
 *       and held by the caller);</li>
 *   <li>{@link #claimForRetry}: FAILED → PENDING, or PENDING → PENDING when its request is presumed
 *       dead (stale) or known to have abandoned it; a turn with a stored reply is answered, and
 *       repaired to COMPLETED if its status says otherwise;</li>
 *   <li>{@link #expire}: what becomes of a PENDING turn no request works on any more.</li>
 * </ul>
 * A reply stored for a turn whose status is not COMPLETED (its status write was lost) is
 * representable, so that it can be repaired; it always answers this turn's message. Immutable; a
 * decision never changes this object.
 */
public record Turn(Message userMessage, Instant updatedAt, Optional<Message> reply) {
    /** The code of a turn failed because no request works on it any more (its server died). */
    public static final ErrorCode EXPIRED = ErrorCode.INTERNAL_ERROR;

    public Turn {
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(reply, "reply");
        if (userMessage.role() != MessageRole.USER) {
            throw new IllegalArgumentException("a turn is a user message's: " + userMessage.role());
        }
        if (reply.isPresent() && !reply.get().replyTo().equals(Optional.of(userMessage.id()))) {
            throw new IllegalArgumentException("a turn's reply answers its message");
        }
    }

    /** The turn of a user message just stored: pending since its creation, no reply. */
    public static Turn begun(Message userMessage) {
        return new Turn(userMessage, userMessage.createdAt(), Optional.empty());
    }

    public MessageStatus status() {
        return userMessage.status();
    }

    /** Same as {@link #claimForRetry(Instant, Instant, boolean)} for a turn not known to be abandoned. */
    public RetryClaim claimForRetry(Instant now, Instant staleBefore) {
        return claimForRetry(now, staleBefore, false);
    }

    /**
     * Decides whether another generation may take this turn over at {@code now}:
     * <ul>
     *   <li>a turn with a stored reply is {@link RetryClaim.Answered}, with the repair to COMPLETED
     *       when its status is not (a reply is never generated twice);</li>
     *   <li>a FAILED turn, or a PENDING one untouched since before {@code staleBefore} or
     *       {@code abandoned} by its request, is {@link RetryClaim.Claimed} (the claim expects the
     *       turn exactly as seen, so of several requests that saw it only one claim applies);</li>
     *   <li>any other PENDING turn is {@link RetryClaim.Busy}; a COMPLETED one without its reply is
     *       {@link RetryClaim.Answered} without repair (the caller cannot replay it).</li>
     * </ul>
     */
    public RetryClaim claimForRetry(Instant now, Instant staleBefore, boolean abandoned) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(staleBefore, "staleBefore");
        if (reply.isPresent() || status() == MessageStatus.COMPLETED) {
            return new RetryClaim.Answered(this, repair());
        }
        return switch (status()) {
            case PENDING -> abandoned || updatedAt.isBefore(staleBefore) ? new RetryClaim.Claimed(claim(now))
                    : new RetryClaim.Busy(this);
            case FAILED -> new RetryClaim.Claimed(claim(now));
            case COMPLETED -> throw new IllegalStateException("unreachable");
        };
    }

    /**
     * Completes this pending turn, as held by the caller, with {@code reply} (which answers its user
     * message) at the reply's creation time.
     *
     * @throws IllegalStateException if the turn is not pending or already has a reply
     */
    public TurnTransition complete(Message reply) {
        requirePendingWithoutReply("complete");
        Objects.requireNonNull(reply, "reply");
        Message answered = userMessage.withStatus(MessageStatus.COMPLETED, Optional.empty());
        return TurnTransition.fromExactly(this, new Turn(answered, reply.createdAt(), Optional.of(reply)));
    }

    /**
     * Fails this pending turn, as held by the caller, with {@code code} at {@code at}; the user
     * message stays, for a retry.
     *
     * @throws IllegalStateException if the turn is not pending or already has a reply
     */
    public TurnTransition fail(ErrorCode code, Instant at) {
        requirePendingWithoutReply("fail");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(at, "at");
        Message failed = userMessage.withStatus(MessageStatus.FAILED, Optional.of(code));
        return TurnTransition.fromExactly(this, new Turn(failed, at, Optional.empty()));
    }

    /**
     * The decision for a PENDING turn that no request works on any more (found by a sweep): repaired
     * to COMPLETED if its reply is stored, else failed with {@link #EXPIRED} at {@code now} (the user
     * message stays, and a retry with its key generates it again).
     *
     * @throws IllegalStateException if the turn is not pending
     */
    public TurnTransition expire(Instant now) {
        if (status() != MessageStatus.PENDING) {
            throw new IllegalStateException("cannot expire a " + status() + " turn");
        }
        return repair().orElseGet(() -> fail(EXPIRED, now));
    }

    private Optional<TurnTransition> repair() {
        if (reply.isEmpty() || status() == MessageStatus.COMPLETED) {
            return Optional.empty();
        }
        Message answered = userMessage.withStatus(MessageStatus.COMPLETED, Optional.empty());
        return Optional.of(TurnTransition.fromExactly(this, new Turn(answered, reply.get().createdAt(), reply)));
    }

    private TurnTransition claim(Instant now) {
        Message pending = userMessage.withStatus(MessageStatus.PENDING, Optional.empty());
        return TurnTransition.fromExactly(this, new Turn(pending, now, Optional.empty()));
    }

    private void requirePendingWithoutReply(String move) {
        if (status() != MessageStatus.PENDING || reply.isPresent()) {
            throw new IllegalStateException("cannot " + move + " a " + status() + " turn"
                    + (reply.isPresent() ? " that has a reply" : ""));
        }
    }
}
