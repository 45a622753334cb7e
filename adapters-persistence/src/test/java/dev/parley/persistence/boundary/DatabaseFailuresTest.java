package dev.parley.persistence.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import dev.parley.persistence.chat.ConversationsJpaAdapter;
import jakarta.interceptor.InvocationContext;
import jakarta.persistence.PersistenceException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Classification against failures produced by a real PostgreSQL and a real pgjdbc, not made up. */
class DatabaseFailuresTest {

    @Test
    void aRefusedConnectionIsUnavailability() {
        SQLException refused = (SQLException) catchThrowable(
                () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=2", "postgres", ""));
        assertThat(refused.getSQLState()).isEqualTo("08001");

        RuntimeException translated = DatabaseFailures.translate(new PersistenceException("Unable to acquire JDBC Connection", refused));

        assertThat(translated).isInstanceOfSatisfying(ParleyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
            assertThat(e.getMessage()).contains("08001").doesNotContain("127.0.0.1");
        });
    }

    @Test
    void aCancelledQueryIsUnavailability() throws Exception {
        try (Connection c = PostgresFixture.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            SQLException cancelled = (SQLException) catchThrowable(() -> s.execute("select pg_sleep(30)"));
            assertThat(cancelled.getSQLState()).isEqualTo("57014");
            assertThat(DatabaseFailures.isUnavailability(new PersistenceException(cancelled))).isTrue();
        }
    }

    @Test
    void aTerminatedBackendIsUnavailability() throws Exception {
        try (Connection victim = PostgresFixture.dataSource().getConnection();
                Connection admin = PostgresFixture.dataSource().getConnection()) {
            int pid = victim.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            try (PreparedStatement ps = admin.prepareStatement("select pg_terminate_backend(?)")) {
                ps.setInt(1, pid);
                ps.execute();
            }
            SQLException terminated = (SQLException) catchThrowable(() -> {
                // the backend may need a moment to go: poll until the connection notices
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline) {
                    try (Statement s = victim.createStatement()) {
                        s.execute("select 1");
                    }
                }
            });
            assertThat(terminated.getSQLState()).isIn("57P01", "08006", "08003");
            assertThat(DatabaseFailures.isUnavailability(terminated)).isTrue();
        }
    }

    @Test
    void aConstraintViolationIsNotUnavailabilityAndIsLeftAlone() {
        UserId owner = new UserId(Rows.newUser(1));
        Chat chat = new Chat(new ChatId(UUID.randomUUID()), owner, new PersonaId(Rows.CAPTAIN_MIRA), "t",
                Instant.EPOCH, Instant.EPOCH);
        PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).create(chat);
            return null;
        });
        RuntimeException duplicate = (RuntimeException) catchThrowable(() -> PostgresFixture.inTransaction(em -> {
            new ConversationsJpaAdapter(em).create(chat);
            return null;
        }));

        assertThat(DatabaseFailures.isUnavailability(duplicate)).isFalse();
        assertThat(DatabaseFailures.translate(duplicate)).isSameAs(duplicate);
    }

    @Test
    void theInterceptorTranslatesUnavailabilityAndPassesEverythingElseThrough() throws Exception {
        SQLException brokenPipe = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        Object translated = catchThrowable(() -> new DatabaseFailureInterceptor()
                .translate(failingWith(new PersistenceException(brokenPipe))));
        assertThat(translated).isInstanceOfSatisfying(ParleyException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));

        IllegalStateException bug = new IllegalStateException("no user message");
        assertThat(catchThrowable(() -> new DatabaseFailureInterceptor().translate(failingWith(bug)))).isSameAs(bug);
        ParleyException domain = new ParleyException(ErrorCode.INSUFFICIENT_TOKENS, "poor");
        assertThat(catchThrowable(() -> new DatabaseFailureInterceptor().translate(failingWith(domain)))).isSameAs(domain);
    }

    /** The smallest InvocationContext whose target method throws {@code failure}. */
    private static InvocationContext failingWith(RuntimeException failure) {
        return new InvocationContext() {
            @Override
            public Object proceed() {
                throw failure;
            }

            @Override
            public Object getTarget() {
                return null;
            }

            @Override
            public Object getTimer() {
                return null;
            }

            @Override
            public Method getMethod() {
                return null;
            }

            @Override
            public Constructor<?> getConstructor() {
                return null;
            }

            @Override
            public Object[] getParameters() {
                return new Object[0];
            }

            @Override
            public void setParameters(Object[] params) {
            }

            @Override
            public Map<String, Object> getContextData() {
                return Map.of();
            }
        };
    }
}
