package dev.parley.application.chat;

import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.resilience.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Lands the last write of a request that is ending: the transition that fails its turn. If the write
 * cannot be made now (the database is away), the request gives the turn up ({@link AbandonedTurns})
 * and the write is retried in the background, on the scheduler (no thread waits), with a doubling
 * wait from {@link #FIRST_WAIT} up to {@link #LONGEST_WAIT}, until it lands, is refused (the turn
 * moved on: taken over, or completed after all), or the turn is older than the stale age (the sweep
 * resolves it then). The transition, the watchers' event of the changed user message and whatever
 * else the request writes as it ends (the end of its generation) go in one transaction, each try.
 * Thread-safe.
 */
final class FinalWrites {
    static final Duration FIRST_WAIT = Duration.ofMillis(250);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(2);

    /** What became of the write when it was first tried. */
    enum Outcome { APPLIED, REFUSED, RETRYING }

    private final Conversations conversations;
    private final UnitOfWork unitOfWork;
    private final Scheduler scheduler;
    private final Clock clock;
    private final AbandonedTurns abandoned;
    private final TurnEvents events;
    private final Duration staleAfter;

    FinalWrites(Conversations conversations, UnitOfWork unitOfWork, Scheduler scheduler, Clock clock,
            AbandonedTurns abandoned, TurnEvents events, Duration staleAfter) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.unitOfWork = Objects.requireNonNull(unitOfWork, "unitOfWork");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.abandoned = Objects.requireNonNull(abandoned, "abandoned");
        this.events = Objects.requireNonNull(events, "events");
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    }

    /**
     * Applies {@code last}, decided from {@code held} (the turn as the ending request holds it); if it
     * throws, abandons the turn and keeps trying in the background. Watchers hear of the changed user
     * message once it lands.
     *
     * @param failure collects the exception of the first try, if any
     * @param alsoWritten runs in the same transaction after the transition, whether it applied or not
     *                    (again in each try, as a failed try rolled it back)
     */
    Outcome land(Turn held, TurnTransition last, Throwable failure, Runnable alsoWritten) {
        try {
            return landed(last, alsoWritten) ? Outcome.APPLIED : Outcome.REFUSED;
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            abandoned.abandon(held);
            retryLater(held, last, alsoWritten, FIRST_WAIT);
            return Outcome.RETRYING;
        }
    }

    private boolean landed(TurnTransition last, Runnable alsoWritten) {
        return unitOfWork.inTransaction(() -> {
            boolean applied = conversations.apply(last);
            if (applied) {
                events.messageChanged(last.result().userMessage());
            }
            alsoWritten.run();
            return applied;
        });
    }

    private void retryLater(Turn held, TurnTransition last, Runnable alsoWritten, Duration wait) {
        scheduler.schedule(wait, () -> {
            Instant giveUpAt = held.updatedAt().plus(staleAfter);
            try {
                landed(last, alsoWritten);
                abandoned.forget(held);
            } catch (RuntimeException stillAway) {
                if (clock.instant().isBefore(giveUpAt)) {
                    Duration doubled = wait.multipliedBy(2);
                    retryLater(held, last, alsoWritten, doubled.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : doubled);
                } else {
                    abandoned.forget(held); // stale now: the sweep resolves it
                }
            }
        });
    }
}
