package dev.parley.domain.user;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Port: what a user is doing, as every instance sees it (docs/architecture.md#per-user-limits): the
 * user's turns generating and the sends admitted recently. Used inside the send's opening
 * transaction; the database holds it, so the per-user limits hold across instances.
 */
public interface UserSends {
    /**
     * Takes the user's lock until the current transaction ends (another transaction asking for the
     * same user waits for it), then counts: so two sends of one user never decide on the same counts,
     * whichever instance they reach.
     *
     * @param windowStart     sends admitted after it count against the sliding minute
     * @param generatingSince a pending turn counts as generating if it was started or claimed after it
     *                        (an older one belongs to no live request)
     */
    Usage lockAndCount(UserId user, Instant windowStart, Instant generatingSince);

    /** Records one admitted send of {@code user} at {@code at}, in the current transaction. */
    void record(UserId user, Instant at);

    /** Forgets every send admitted at or before {@code before} (they count no more); returns how many. */
    int forget(Instant before);

    /**
     * @param generating     the user's turns generating now
     * @param sendsInWindow  the user's sends admitted in the window
     * @param oldestInWindow the oldest of them, if any
     */
    record Usage(int generating, int sendsInWindow, Optional<Instant> oldestInWindow) {
        public Usage {
            Objects.requireNonNull(oldestInWindow, "oldestInWindow");
            if (generating < 0 || sendsInWindow < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
            if ((sendsInWindow == 0) != oldestInWindow.isEmpty()) {
                throw new IllegalArgumentException("the oldest send is known exactly when there is one");
            }
        }
    }
}
