package dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import dev.parley.persistence.event.PostgresEventListener;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chat events listener pointed at a transaction-mode PgBouncer: it finds a pooler, gives up, and
 * leaves no trace on the pooler's server connections. PgBouncer carries a client's
 * {@code application_name} over to the server connection it lends and leaves it there until another
 * client sets its own, so a listener that announced its name before the check would leave an idle
 * server backend named like the listener, and an operator (or a test) counting listeners in
 * {@code pg_stat_activity} would count a listener that does not exist.
 */
class ListenerBehindPoolerTest {

    @Test
    void aListenerBehindATransactionPoolerGivesUpAndNoServerConnectionCarriesItsName() throws Exception {
        try (PgBouncer bouncer = PgBouncer.start("listener", PgBouncer.Mode.TRANSACTION, 2,
                Databases.postgres().getPort())) {
            BlockingQueue<Boolean> states = new LinkedBlockingQueue<>();
            PostgresEventListener listener = new PostgresEventListener(bouncer.jdbcUrl(), "postgres", null,
                    Duration.ofSeconds(5), Thread::new, new PostgresEventListener.Signals() {
                        @Override
                        public void appended(ChatId chatId, long lastId) {
                            // nothing is heard through a pooler
                        }

                        @Override
                        public void listening(boolean up) {
                            states.add(up);
                        }
                    });
            try (listener) {
                listener.start();
                assertThat(Poll.until(Duration.ofSeconds(10), () -> serverBackendsBehind(bouncer) > 0))
                        .as("the listener's check went through the pooler").isTrue();
                assertThat(states.poll(1, TimeUnit.SECONDS)).as("never reported up behind a pooler").isNull();
                assertThat(listenerNamedBackends()).as("backends named parley-events-listener").isZero();
            }
        }
    }

    /** Server connections PgBouncer opened for this test's pool (they outlive the listener's client). */
    private static int serverBackendsBehind(PgBouncer bouncer) {
        return count("select count(*) from pg_stat_activity where backend_type = 'client backend'"
                + " and pid <> pg_backend_pid() and query = 'select pg_backend_pid()'");
    }

    private static int listenerNamedBackends() {
        return count("select count(*) from pg_stat_activity where application_name = 'parley-events-listener'");
    }

    private static int count(String sql) {
        try (Connection c = Databases.direct().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
