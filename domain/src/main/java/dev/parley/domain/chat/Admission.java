package dev.parley.domain.chat;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Whether a sent message is a new turn, a repeat of a stored one (the same idempotency key), or a
 * misuse of its key. Decided by a pure function of what is stored, what was sent and the time:
 * <ul>
 *   <li>no stored turn → {@link Generate} the new one;</li>
 *   <li>other content under the key → {@link KeyReused};</li>
 *   <li>a turn whose reply is stored → {@link Replay} it (repairing its status if it is not
 *       COMPLETED): a reply is never generated twice;</li>
 *   <li>a failed turn, or a pending one untouched for {@code staleAfter} or abandoned by its request
 *       → {@link Generate} again for the same user message, once the store applied the claim;</li>
 *   <li>a pending turn still being answered → {@link InProgress}.</li>
 * </ul>
 */
public sealed interface Admission {
    /**
     * Generate a reply for {@code turn} (pending). With a {@code claim}, only once the store applied
     * it; if it does not apply, another request took the turn and this one is {@link InProgress}.
     */
    record Generate(Turn turn, Optional<TurnTransition> claim) implements Admission {
        public Generate {
            Objects.requireNonNull(turn, "turn");
            Objects.requireNonNull(claim, "claim");
            if (turn.status() != MessageStatus.PENDING) {
                throw new IllegalArgumentException("only a pending turn is generated");
            }
        }
    }

    /**
     * The turn was answered by an earlier request: return it again, charge nothing. {@code repair},
     * when present, brings the stored status to COMPLETED ({@code userMessage} is already shown so).
     */
    record Replay(Message userMessage, Message reply, Optional<TurnTransition> repair) implements Admission {
        public Replay {
            Objects.requireNonNull(userMessage, "userMessage");
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(repair, "repair");
        }
    }

    /** Another request is answering the turn right now. */
    record InProgress(Message userMessage) implements Admission {
        public InProgress {
            Objects.requireNonNull(userMessage, "userMessage");
        }
    }

    /** The key already names a turn with other content. */
    record KeyReused(Message stored) implements Admission {
        public KeyReused {
            Objects.requireNonNull(stored, "stored");
        }
    }

    /** Same as {@link #decide(Optional, Message, Instant, Duration, Predicate)}, abandoning nothing. */
    static Admission decide(Optional<Turn> stored, Message sent, Instant now, Duration staleAfter) {
        return decide(stored, sent, now, staleAfter, turn -> false);
    }

    /**
     * Admits {@code sent} (a new user message) given the turn {@code stored} under its key, if any;
     * {@code abandoned} says whether the request that holds a pending turn is known to have given it
     * up (it ended without its final write landing), so that it may be taken over at once.
     *
     * @throws ParleyException INTERNAL_ERROR if the stored turn is completed but has no reply
     */
    static Admission decide(Optional<Turn> stored, Message sent, Instant now, Duration staleAfter,
            Predicate<Turn> abandoned) {
        Objects.requireNonNull(sent, "sent");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(staleAfter, "staleAfter");
        if (stored.isEmpty()) {
            return new Generate(Turn.begun(sent), Optional.empty());
        }
        Turn turn = stored.get();
        if (!turn.userMessage().content().equals(sent.content())) {
            return new KeyReused(turn.userMessage());
        }
        RetryClaim claim = turn.claimForRetry(now, now.minus(staleAfter), abandoned.test(turn));
        if (claim instanceof RetryClaim.Claimed claimed) {
            return new Generate(claimed.transition().result(), Optional.of(claimed.transition()));
        }
        if (claim instanceof RetryClaim.Busy) {
            return new InProgress(turn.userMessage());
        }
        RetryClaim.Answered answered = (RetryClaim.Answered) claim;
        Message reply = turn.reply().orElseThrow(
                () -> new ParleyException(ErrorCode.INTERNAL_ERROR, "completed turn without reply"));
        Message shown = answered.repair().map(r -> r.result().userMessage()).orElse(turn.userMessage());
        return new Replay(shown, reply, answered.repair());
    }
}
