package dev.parley.application.chat;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The time of a turn's moves. A turn's update time is the lease of the request that holds it and is
 * compared for equality after a round trip through the store, so it is taken to the microsecond:
 * the precision every store keeps (PostgreSQL's {@code timestamptz}).
 */
final class TurnTime {
    private TurnTime() {
    }

    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
