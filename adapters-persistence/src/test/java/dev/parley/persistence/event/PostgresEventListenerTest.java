package dev.parley.persistence.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.ChatEvent;
import dev.parley.persistence.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * LISTEN on a real PostgreSQL: a committed append is heard with its chat and last id, a rolled-back one
 * never; a connection killed by the server is reopened and reported down, then up.
 */
class PostgresEventListenerTest {
    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private final BlockingQueue<Boolean> states = new LinkedBlockingQueue<>();
    private final PostgresEventListener.Signals signals = new PostgresEventListener.Signals() {
        @Override
        public void appended(ChatId chatId, long lastId) {
            heard.add(chatId + " " + lastId);
        }

        @Override
        public void listening(boolean up) {
            states.add(up);
        }
    };

    private PostgresEventListener listener() {
        return new PostgresEventListener(PostgresFixture.jdbcUrl(), "postgres", null, Duration.ofSeconds(5),
                Thread::new, signals).start();
    }

    @Test
    void aCommittedAppendIsHeardWithItsChatAndLastIdARolledBackOneNever() throws Exception {
        ChatId chat = ChatEventsJpaAdapterTest.newChat();
        try (PostgresEventListener listener = listener()) {
            assertThat(states.poll(10, TimeUnit.SECONDS)).isTrue();
            try {
                PostgresFixture.inTransaction(em -> {
                    new ChatEventsJpaAdapter(em).append(chat, List.of(new ChatEvent.New("typing", "{}")));
                    throw new IllegalStateException("rolled back");
                });
            } catch (IllegalStateException expected) {
                // nothing committed, nothing heard
            }
            PostgresFixture.inTransaction(em -> new ChatEventsJpaAdapter(em).append(chat,
                    List.of(new ChatEvent.New("message", "{}"), new ChatEvent.New("typing", "{}"))));

            assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(chat + " 2");
            assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("the rolled-back append").isNull();
        }
    }

    @Test
    void aKilledConnectionIsReportedDownAndReopened() throws Exception {
        ChatId chat = ChatEventsJpaAdapterTest.newChat();
        try (PostgresEventListener listener = listener()) {
            assertThat(states.poll(10, TimeUnit.SECONDS)).isTrue();
            try (Connection admin = DriverManager.getConnection(PostgresFixture.jdbcUrl(), "postgres", null);
                    Statement s = admin.createStatement()) {
                s.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                        + " where application_name = 'parley-events-listener'");
            }
            assertThat(states.poll(15, TimeUnit.SECONDS)).as("down").isFalse();
            assertThat(states.poll(15, TimeUnit.SECONDS)).as("up again").isTrue();

            PostgresFixture.inTransaction(em -> new ChatEventsJpaAdapter(em).append(chat,
                    List.of(new ChatEvent.New("typing", "{}"))));
            assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(chat + " 1");
        }
    }

    @Test
    void aMalformedNotificationIsIgnored() {
        AtomicBoolean called = new AtomicBoolean();
        PostgresEventListener listener = new PostgresEventListener("jdbc:postgresql://localhost:1/none", null, null,
                Duration.ofSeconds(1), Thread::new, new PostgresEventListener.Signals() {
                    @Override
                    public void appended(ChatId chatId, long lastId) {
                        called.set(true);
                    }

                    @Override
                    public void listening(boolean up) {
                    }
                });
        listener.signal("not a chat");
        listener.signal("00000000-0000-4000-8000-00000000a001 x");
        assertThat(called).isFalse();
        listener.signal("00000000-0000-4000-8000-00000000a001 7");
        assertThat(called).isTrue();
        assertThat(Map.of()).isEmpty();
    }
}
