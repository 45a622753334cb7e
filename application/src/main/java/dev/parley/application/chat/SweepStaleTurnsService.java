package dev.parley.application.chat;

import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The sweep of stale turns (docs/architecture.md#the-user-messages-lifecycle): each PENDING turn
 * untouched for {@code staleAfter} is ended by the domain's decision ({@link Turn#expire}): failed
 * with {@link Turn#EXPIRED} (the user message stays; a retry with its key generates it again), or
 * completed if its reply is stored. Each move applies only if the turn is still exactly as the sweep
 * saw it, so a request that takes the turn over meanwhile wins. Watchers hear of each changed
 * message. At most {@link #BATCH} turns per run.
 */
public final class SweepStaleTurnsService implements SweepStaleTurnsUseCase {
    static final int BATCH = 100;

    private final Conversations conversations;
    private final TurnEvents events;
    private final Clock clock;
    private final Duration staleAfter;

    public SweepStaleTurnsService(Conversations conversations, TurnEvents events, Clock clock, Duration staleAfter) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.events = new QuietTurnEvents(events);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    }

    @Override
    public int sweep() {
        Instant now = TurnTime.now(clock);
        int resolved = 0;
        for (Turn stale : conversations.pendingTurnsUntouchedSince(now.minus(staleAfter), BATCH)) {
            TurnTransition end = stale.expire(now);
            if (conversations.apply(end)) {
                events.messageChanged(end.result().userMessage());
                resolved++;
            }
        }
        return resolved;
    }
}
