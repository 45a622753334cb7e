package dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * PgBouncer killed and started again in the middle of a chat load: the turns in the gap fail with
 * DATABASE_UNAVAILABLE (never anything else), every worker then completes turns again on its own
 * (nothing is restarted but PgBouncer), no turn is left pending once the load stopped, and the
 * rows show nothing lost or written twice.
 */
class PoolerRestartTest {

    @Test
    void turnsDuringARestartFailAsDatabaseUnavailableAndTheLoadResumesByItself() throws Exception {
        try (PgBouncer bouncer = PgBouncer.start("restart", PgBouncer.Mode.TRANSACTION, 3, Databases.postgres().getPort());
                PersistencePath path = PersistencePath.over(bouncer.jdbcUrl(), "auto", 8)) {
            ChatLoad load = new ChatLoad(path, 8, false);
            CompletableFuture<ChatLoad.Result> running = CompletableFuture.supplyAsync(() -> load.run(1_000_000));

            assertThat(Poll.until(Duration.ofSeconds(30), () -> completed(load) >= 80)).as("load under way").isTrue();
            assertThat(load.failuresSoFar()).isEmpty();

            bouncer.stop();
            int failuresBefore = load.failuresSoFar().size();
            assertThat(Poll.until(Duration.ofSeconds(20), () -> load.failuresSoFar().size() >= failuresBefore + 8))
                    .as("turns in the gap fail").isTrue();
            int[] before = load.workers.stream().mapToInt(w -> w.completed.size()).toArray();

            bouncer.start();
            boolean resumed = Poll.until(Duration.ofSeconds(30), () -> load.workers.stream()
                    .allMatch(w -> w.completed.size() >= before[w.index] + 5));
            load.stop();
            ChatLoad.Result result = running.get();

            long pendingAtTheEnd = load.pendingTurns();
            boolean resolved = Poll.until(Duration.ofSeconds(10), () -> load.pendingTurns() == 0);
            System.out.printf("restart: %d/%d turns ok, %d failed, %d pending when the load stopped%n",
                    result.succeeded(), result.attempted(), result.failures().size(), pendingAtTheEnd);
            assertThat(resolved).as("every turn whose request ended while PgBouncer was away is resolved within"
                    + " seconds of it coming back (its final write retried), not left pending").isTrue();
            assertThat(resumed).as("every worker completes turns again after the restart").isTrue();
            assertThat(result.failures()).isNotEmpty().allSatisfy(f -> assertThat(f)
                    .as("a failure in the gap").isInstanceOf(ParleyException.class)
                    .extracting(e -> ((ParleyException) e).code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));
            assertThat(result.failures()).allSatisfy(f -> assertThat(((ParleyException) f).retryAfter()).isPresent());
            assertThat(result.wrongResults()).isEmpty();
            assertThat(load.verifyRows()).isEmpty();
        }
    }

    private static int completed(ChatLoad load) {
        return load.workers.stream().mapToInt(w -> w.completed.size()).sum();
    }
}
