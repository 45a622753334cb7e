package dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue #13 point 5, from outside: PgBouncer killed twice under a load whose replies take 300 ms,
 * so that turns are in flight when the database goes away. A turn whose request ended while the
 * database was away (its user message stored, its final write failed) must not stay pending: it is
 * resolved within seconds of PgBouncer coming back (the request's final write is retried), long
 * before the 55 s stale age.
 */
class AbandonedTurnsTest {
    private static final Duration RESOLVED_WITHIN = Duration.ofSeconds(10);

    @Test
    void turnsWhoseRequestEndedWhileTheDatabaseWasAwayAreResolvedWithinSecondsOfItsReturn() throws Exception {
        try (PgBouncer bouncer = PgBouncer.start("abandoned", PgBouncer.Mode.TRANSACTION, 3,
                Databases.postgres().getPort());
                PersistencePath path = PersistencePath.over(bouncer.jdbcUrl(), "auto", 8, Duration.ofMillis(300))) {
            ChatLoad load = new ChatLoad(path, 8, false);
            CompletableFuture<ChatLoad.Result> running = CompletableFuture.supplyAsync(() -> load.run(1_000_000));
            assertThat(Poll.until(Duration.ofSeconds(30), () -> completed(load) >= 16)).as("load under way").isTrue();

            for (int outage = 1; outage <= 2; outage++) {
                int failuresBefore = load.failuresSoFar().size();
                bouncer.stop();
                assertThat(Poll.until(Duration.ofSeconds(20), () -> load.failuresSoFar().size() >= failuresBefore + 8))
                        .as("turns fail while PgBouncer is away").isTrue();
                bouncer.start();
                List<UUID> ended = load.failedTurns();
                long pendingAtReturn = load.stillPending(ended);
                boolean resolved = Poll.until(RESOLVED_WITHIN, () -> load.stillPending(ended) == 0);
                System.out.printf("outage %d: %d failed turns stored, %d pending when PgBouncer came back,"
                        + " %d still pending %d s later%n", outage, ended.size(), pendingAtReturn,
                        load.stillPending(ended), RESOLVED_WITHIN.toSeconds());
                assertThat(resolved).as("outage %d: no turn whose request ended stays pending", outage).isTrue();
            }
            load.stop();
            ChatLoad.Result result = running.get();
            assertThat(result.wrongResults()).isEmpty();
            assertThat(load.verifyRows()).isEmpty();
        }
    }

    private static int completed(ChatLoad load) {
        return load.workers.stream().mapToInt(w -> w.completed.size()).sum();
    }
}
