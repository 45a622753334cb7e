package dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.jdbc.PoolMode;
import dev.parley.jdbc.PoolerReport;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The original bug and its cure, through the service's real persistence path and a real PgBouncer
 * 1.18 in transaction mode (3 server connections for 16 client connections): with protection forced
 * off, named server-side statements collide between clients; with {@code auto}, the same traffic is
 * all right, answer by answer.
 */
class PreparedStatementBugTest {
    /** The errors of the bug: already exists, does not exist, bind/statement mismatch. */
    private static final List<String> BUG_STATES = List.of("42P05", "26000", "08P01");

    @Test
    void withProtectionForcedOffConcurrentTrafficHitsThePreparedStatementCollisions() {
        Map<String, Integer> states = new TreeMap<>();
        int wrong;
        try (PersistencePath path = PersistencePath.over(Databases.transactionPool().jdbcUrl(), "false", 16)) {
            assertThat(path.report().prepareThreshold()).isEqualTo(5);
            ChatLoad.Result chat = new ChatLoad(path, 8, true).run(40);
            RawTransactionLoad.Result raw = RawTransactionLoad.run(path.pool(), 8, 60);
            Stream.concat(chat.failures().stream(), raw.failures().stream())
                    .forEach(f -> sqlStates(f).forEach(s -> states.merge(s, 1, Integer::sum)));
            wrong = chat.wrongResults().size() + raw.wrongResults().size();
            System.out.printf("protection off: chat %d/%d turns ok, raw %d/%d transactions committed,"
                    + " %d wrong results, SQLStates %s%n", chat.succeeded(), chat.attempted(), raw.committed(),
                    raw.transactions(), wrong, states);
        }
        assertThat(states.keySet()).as("the bug's errors, seen through PgBouncer with server-side prepares on")
                .containsAnyElementsOf(BUG_STATES);
    }

    @Test
    void withAutoTheSameTrafficHasNoErrorsAndEveryAnswerIsTheRightOne() {
        try (PersistencePath path = PersistencePath.over(Databases.transactionPool().jdbcUrl(), "auto", 16)) {
            PoolerReport report = path.report();
            assertThat(report.mode()).isEqualTo(PoolMode.TRANSACTION);
            assertThat(report.prepareThreshold()).isZero();

            ChatLoad load = new ChatLoad(path, 16, true);
            ChatLoad.Result chat = load.run(Integer.getInteger("parley.pgbouncer.turns", 150));
            RawTransactionLoad.Result raw = RawTransactionLoad.run(path.pool(), 16, 150);
            System.out.printf("protection auto: chat %d/%d turns ok (%.0f turns/s), raw %d/%d committed%n",
                    chat.succeeded(), chat.attempted(), chat.turnsPerSecond(), raw.committed(), raw.transactions());

            assertThat(chat.failures()).isEmpty();
            assertThat(chat.wrongResults()).isEmpty();
            assertThat(chat.succeeded()).isEqualTo(chat.attempted());
            assertThat(load.verifyRows()).isEmpty();
            assertThat(raw.failures()).isEmpty();
            assertThat(raw.wrongResults()).isEmpty();
            assertThat(raw.committed()).isEqualTo(raw.transactions());
        }
    }

    /** Every SQLState in the failure's cause chain and its suppressed exceptions. */
    static List<String> sqlStates(Throwable failure) {
        List<String> states = new ArrayList<>();
        collect(failure, states, 0);
        return states;
    }

    private static void collect(Throwable t, List<String> states, int depth) {
        if (t == null || depth > 20) {
            return;
        }
        if (t instanceof SQLException sql) {
            if (sql.getSQLState() != null) {
                states.add(sql.getSQLState());
            }
            collect(sql.getNextException(), states, depth + 1);
        }
        for (Throwable s : t.getSuppressed()) {
            collect(s, states, depth + 1);
        }
        if (t.getCause() != t) {
            collect(t.getCause(), states, depth + 1);
        }
    }
}
