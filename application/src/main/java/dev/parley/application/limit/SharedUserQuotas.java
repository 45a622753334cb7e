package dev.parley.application.limit;

import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserSends;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * {@link UserQuotas} whose send limits hold across instances (docs/architecture.md#per-user-limits):
 * a send is admitted inside the opening transaction of its turn by locking the user's sends and
 * counting them from the shared store ({@link UserSends}: the user's turns still generating, the
 * sends recorded within the last {@link UserLimits#WINDOW}); the decision is {@link
 * UserLimits#refuseSend}. A send that is stored is recorded in the same transaction ({@link
 * Permit#stored()}), so that the next send of the user, on any instance, waits for the lock and
 * counts it. Nothing is counted in memory: a refusal, a rolled-back transaction or a repeat of a
 * stored turn leaves no record, and a turn stops counting as generating when its status leaves
 * PENDING, so {@code release} and {@code withdraw} have nothing to do.
 *
 * <p>Event streams are long-lived and need no database to count: they are delegated to a
 * per-instance {@link InMemoryUserQuotas} (up to N × the limit over N instances).
 */
public final class SharedUserQuotas implements UserQuotas {
    private final UserLimits limits;
    private final UserSends sends;
    private final InMemoryUserQuotas streams;
    private final Clock clock;
    private final Duration maxHold;

    /**
     * @param maxHold how long a pending turn may count as generating at most: longer than any turn
     *                can generate (the retry deadline plus a margin)
     */
    public SharedUserQuotas(UserLimits limits, UserSends sends, InMemoryUserQuotas streams, Clock clock,
            Duration maxHold) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.sends = Objects.requireNonNull(sends, "sends");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxHold = Objects.requireNonNull(maxHold, "maxHold");
        if (maxHold.isNegative() || maxHold.isZero()) {
            throw new IllegalArgumentException("maxHold must be positive");
        }
    }

    /** Must be called inside the transaction that stores the send (the opening transaction). */
    @Override
    public Permit admitSend(UserId user) {
        Objects.requireNonNull(user, "user");
        Instant now = clock.instant();
        UserSends.Usage usage = sends.lockAndCount(user, now.minus(UserLimits.WINDOW), now.minus(maxHold));
        limits.refuseSend(usage.generating(), usage.sendsInWindow(), usage.oldestInWindow(), now)
                .ifPresent(refusal -> {
                    throw refusal;
                });
        return new SendPermit(user, now);
    }

    @Override
    public Permit openStream(UserId user) {
        return streams.openStream(user);
    }

    /** Forgets the sends that left the window (run every minute; any instance may). */
    public int forgetOldSends() {
        return sends.forget(clock.instant().minus(UserLimits.WINDOW));
    }

    private final class SendPermit implements Permit {
        private final UserId user;
        private final Instant admittedAt;
        private boolean recorded; // the opening transaction runs on one thread

        SendPermit(UserId user, Instant admittedAt) {
            this.user = user;
            this.admittedAt = admittedAt;
        }

        @Override
        public void stored() {
            if (!recorded) {
                recorded = true;
                sends.record(user, admittedAt);
            }
        }

        @Override
        public void release() {
            // the turn's status leaving PENDING ends its count
        }

        @Override
        public void withdraw() {
            // a send never stored was never recorded; a rolled-back record is gone with its transaction
        }
    }
}
