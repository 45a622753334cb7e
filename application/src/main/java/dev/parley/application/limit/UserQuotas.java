package dev.parley.application.limit;

import dev.parley.domain.user.UserId;

/**
 * Port: the per-user limits (docs/architecture.md#per-user-limits). A send or an event stream first
 * takes a {@link Permit}; the permit is given back when the turn or the stream ends, however it ends.
 * A refusal is a {@link UserRateLimitedException} (USER_RATE_LIMITED, retryable, with the wait after
 * which the request would be admitted).
 *
 * <p>{@link InMemoryUserQuotas} keeps the counts in memory, per instance: behind a load balancer
 * each instance enforces the limits on its own share of a user's requests. {@link SharedUserQuotas}
 * counts the sends from the database ({@link dev.parley.domain.user.UserSends}), inside the send's
 * opening transaction, so the send limits hold across instances; it keeps the event streams per
 * instance.
 */
public interface UserQuotas {
    /**
     * Admits one send of {@code user} that is about to generate a reply: it counts against the
     * sends of the sliding minute at once and against the turns generating until released.
     *
     * @throws UserRateLimitedException when the user has as many turns generating, or has sent as many
     *         messages in the last minute, as allowed; nothing is counted then
     */
    Permit admitSend(UserId user);

    /**
     * Admits one event stream of {@code user}, counted until released.
     *
     * @throws UserRateLimitedException when the user has as many event streams open as allowed
     */
    Permit openStream(UserId user);

    /**
     * What a holder gives back. {@link #release()} and {@link #withdraw()} are idempotent and
     * thread-safe; the first call counts.
     */
    interface Permit {
        /**
         * The admitted send was stored (its user message, or its failed turn claimed again) in the
         * transaction that admitted it: a store that counts sends from its own records records it
         * now, in that transaction, so that it counts exactly when the send does. Counts kept in
         * memory need nothing here (they count from the admission and give back on
         * {@link #withdraw()}).
         */
        default void stored() {
            // counted at admission
        }

        /** The turn (or stream) ended: it no longer counts as generating (or open). */
        void release();

        /**
         * The admitted request did not happen after all (it turned out to be a repeat of a turn that
         * is stored, or failed before its message was stored): released, and for a send, its place in
         * the sliding minute is given back too.
         */
        void withdraw();
    }
}
