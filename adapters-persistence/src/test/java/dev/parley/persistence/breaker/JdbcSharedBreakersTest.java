package dev.parley.persistence.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.breaker.ProbeClaim;
import dev.parley.domain.breaker.SharedOpen;
import dev.parley.domain.chat.ChatId;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The shared breaker table on a real PostgreSQL: openings, one probe claim among many, closings. */
class JdbcSharedBreakersTest {
    private static final Duration OPEN = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofSeconds(25);

    private final ExecutorService async = Executors.newFixedThreadPool(4);
    private final JdbcSharedBreakers shared =
            new JdbcSharedBreakers(PostgresFixture.dataSource(), async, LEASE, Duration.ofSeconds(5));
    private final ChatId chat = new ChatId(UUID.randomUUID());

    @AfterEach
    void stop() {
        async.shutdownNow();
    }

    private SharedOpen open(Duration openFor) {
        return shared.publishOpen(chat, openFor).toCompletableFuture().join();
    }

    /** The open time is over, by the database's clock. */
    private void elapse() {
        Rows.update("update chat_breakers set open_until = now() - interval '1 second' where chat_id = ?", chat.value());
    }

    private SharedOpen row() {
        return shared.openBreakers().stream().filter(r -> r.chatId().equals(chat)).findFirst().orElse(null);
    }

    @Test
    void anOpeningIsReadByThePollWithItsRemainingTimeAndASecondOneDoesNotProlongIt() {
        SharedOpen opened = open(OPEN);
        Rows.update("update chat_breakers set open_until = open_until - interval '5 seconds' where chat_id = ?",
                chat.value());

        SharedOpen again = open(OPEN);

        assertThat(opened.remaining()).isBetween(OPEN.minusSeconds(2), OPEN);
        assertThat(again.generation()).isEqualTo(opened.generation());
        assertThat(again.remaining()).isBetween(OPEN.minusSeconds(7), OPEN.minusSeconds(5));
        assertThat(row()).isNotNull().satisfies(r -> {
            assertThat(r.generation()).isEqualTo(opened.generation());
            assertThat(r.remaining()).isBetween(OPEN.minusSeconds(7), OPEN.minusSeconds(5));
            assertThat(r.probing()).isFalse();
        });
    }

    @Test
    void noProbeIsClaimedBeforeTheOpenTimeIsOverAndNoneForAChatWithoutARow() {
        SharedOpen opened = open(OPEN);

        ProbeClaim early = shared.claimProbe(chat, 1);

        assertThat(early.outcome()).isEqualTo(ProbeClaim.Outcome.TAKEN);
        assertThat(early.generation()).isEqualTo(opened.generation());
        assertThat(early.remaining()).isPositive();
        assertThat(shared.claimProbe(new ChatId(UUID.randomUUID()), 1)).isEqualTo(ProbeClaim.NOT_SHARED);
    }

    @Test
    void sixteenInstancesClaimingAtOnceGetOneProbe() throws Exception {
        open(OPEN);
        elapse();
        int claimers = 16;
        ExecutorService threads = Executors.newFixedThreadPool(claimers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ProbeClaim>> claims = new ArrayList<>();
            for (int i = 0; i < claimers; i++) {
                // each its own adapter, as each instance has one
                JdbcSharedBreakers instance = new JdbcSharedBreakers(PostgresFixture.dataSource(), Runnable::run,
                        LEASE, Duration.ofSeconds(10));
                claims.add(threads.submit(() -> {
                    start.await();
                    return instance.claimProbe(chat, 1);
                }));
            }
            start.countDown();
            List<ProbeClaim.Outcome> outcomes = new ArrayList<>();
            for (Future<ProbeClaim> claim : claims) {
                outcomes.add(claim.get().outcome());
            }

            assertThat(outcomes).filteredOn(o -> o == ProbeClaim.Outcome.CLAIMED).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o == ProbeClaim.Outcome.TAKEN).hasSize(claimers - 1);
            assertThat(row().probing()).isTrue();
            assertThat(Rows.queryLong("select probes from chat_breakers where chat_id = ?", chat.value())).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aReleasedClaimOrALapsedLeaseLetsTheNextProbeThrough() {
        open(OPEN);
        elapse();
        assertThat(shared.claimProbe(chat, 1)).isEqualTo(ProbeClaim.CLAIMED);
        assertThat(shared.claimProbe(chat, 1).outcome()).isEqualTo(ProbeClaim.Outcome.TAKEN);

        shared.releaseProbe(chat);
        awaitNotProbing();
        assertThat(shared.claimProbe(chat, 1)).isEqualTo(ProbeClaim.CLAIMED);

        Rows.update("update chat_breakers set probe_until = now() - interval '1 millisecond' where chat_id = ?",
                chat.value());
        assertThat(row().probing()).isFalse();
        assertThat(shared.claimProbe(chat, 1)).isEqualTo(ProbeClaim.CLAIMED);
    }

    @Test
    void twoPermitsAllowTwoClaims() {
        open(OPEN);
        elapse();

        assertThat(shared.claimProbe(chat, 2)).isEqualTo(ProbeClaim.CLAIMED);
        assertThat(shared.claimProbe(chat, 2)).isEqualTo(ProbeClaim.CLAIMED);
        assertThat(shared.claimProbe(chat, 2).outcome()).isEqualTo(ProbeClaim.Outcome.TAKEN);
    }

    @Test
    void aReopeningAfterTheOpenTimeIsANewGenerationWithoutProbes() {
        SharedOpen first = open(OPEN);
        elapse();
        assertThat(shared.claimProbe(chat, 1)).isEqualTo(ProbeClaim.CLAIMED);

        SharedOpen reopened = open(OPEN); // the probe failed

        assertThat(reopened.generation()).isGreaterThan(first.generation());
        assertThat(reopened.remaining()).isBetween(OPEN.minusSeconds(2), OPEN);
        assertThat(reopened.probing()).isFalse();
        assertThat(Rows.queryLong("select probes from chat_breakers where chat_id = ?", chat.value())).isZero();
    }

    @Test
    void aProbeSuccessDeletesTheRowButNotOneOpenedAgainMeanwhile() {
        open(OPEN);
        shared.publishClose(chat).toCompletableFuture().join();
        assertThat(row()).as("still open: a late close does not close it").isNotNull();

        elapse();
        shared.publishClose(chat).toCompletableFuture().join();
        assertThat(row()).isNull();
    }

    @Test
    void thePurgeDeletesOnlyRowsQuietForLongAndNotProbed() {
        open(OPEN);
        ChatId probed = new ChatId(UUID.randomUUID());
        shared.publishOpen(probed, OPEN).toCompletableFuture().join();
        Rows.update("update chat_breakers set open_until = now() - interval '20 minutes' where chat_id in (?, ?)",
                chat.value(), probed.value());
        assertThat(shared.claimProbe(probed, 1)).isEqualTo(ProbeClaim.CLAIMED);

        int purged = shared.purge(Duration.ofMinutes(10));

        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(row()).isNull();
        assertThat(shared.openBreakers()).extracting(SharedOpen::chatId).contains(probed);
    }

    @Test
    void anUnreachableDatabaseIsReportedNeverHidden() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setServerNames(new String[] {"127.0.0.1"});
        nowhere.setPortNumbers(new int[] {1});
        nowhere.setConnectTimeout(1);
        JdbcSharedBreakers away = new JdbcSharedBreakers(nowhere, async, LEASE, Duration.ofSeconds(5));

        assertThatThrownBy(away::openBreakers).isInstanceOf(JdbcSharedBreakers.SharedBreakersUnavailable.class);
        assertThatThrownBy(() -> away.claimProbe(chat, 1))
                .isInstanceOf(JdbcSharedBreakers.SharedBreakersUnavailable.class);
        assertThat(away.publishOpen(chat, OPEN).toCompletableFuture()).failsWithin(Duration.ofSeconds(10));
    }

    private void awaitNotProbing() {
        for (int i = 0; i < 200 && row().probing(); i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
