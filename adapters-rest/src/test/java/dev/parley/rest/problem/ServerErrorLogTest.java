package dev.parley.rest.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every 5xx is logged once with its cause and the request id; 4xx stay quiet (issue #13, point 4). */
class ServerErrorLogTest {
    private static final RequestInfo REQUEST = new RequestInfo("req-42", Locale.ENGLISH, "/api/chats/x/messages");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previous;

    @BeforeEach
    void capture() {
        previous = ServerErrorLog.LOG.getLevel();
        ServerErrorLog.LOG.setLevel(Level.ALL);
        ServerErrorLog.LOG.addHandler(handler);
    }

    @AfterEach
    void release() {
        ServerErrorLog.LOG.removeHandler(handler);
        ServerErrorLog.LOG.setLevel(previous);
    }

    private List<LogRecord> atLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).toList();
    }

    @Test
    void anUnexpectedErrorIsOneSevereRecordWithTheRequestIdAndTheStackTrace() {
        IllegalStateException bug = new IllegalStateException("boom");
        ParleyException wrapped = new ParleyException(ErrorCode.INTERNAL_ERROR, "sending failed unexpectedly", null, bug);

        ServerErrorLog.answered(DomainProblems.of(wrapped, Locale.ENGLISH), REQUEST, wrapped);

        assertThat(atLeast(Level.INFO)).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
            assertThat(r.getMessage()).contains("req-42").contains("500").contains("INTERNAL_ERROR");
            assertThat(r.getThrown()).isSameAs(wrapped);
            assertThat(r.getThrown().getCause()).isSameAs(bug);
        });
    }

    @Test
    void aDependencyOutageIsOneWarningNamingTheCauseChainWithoutAStackTrace() {
        ParleyException down = new ParleyException(ErrorCode.DATABASE_UNAVAILABLE, "database unavailable", null,
                new IOException("connection refused"));

        ServerErrorLog.answered(DomainProblems.of(down, Locale.ENGLISH), REQUEST, down);

        assertThat(atLeast(Level.INFO)).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("req-42").contains("503").contains("DATABASE_UNAVAILABLE")
                    .contains("database unavailable").contains("java.io.IOException: connection refused");
            assertThat(r.getThrown()).isNull();
        });
    }

    @Test
    void aRefusalIsOnlyAFineRecord() {
        ServerErrorLog.answered(DomainProblems.of(new ParleyException(ErrorCode.CHAT_NOT_FOUND, "x"), Locale.ENGLISH),
                REQUEST, null);

        assertThat(atLeast(Level.INFO)).isEmpty();
        assertThat(records).singleElement().satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.FINE));
    }

    @Test
    void aBodyTooLargeIsFoundBehindTheReadersWrappers() {
        Exception wrapped = new RuntimeException("jsonb", new IllegalStateException(
                new BodySizeLimitFilter.BodyTooLargeException()));

        assertThat(BodySizeLimitFilter.isBodyTooLarge(wrapped)).isTrue();
        assertThat(BodySizeLimitFilter.isBodyTooLarge(new RuntimeException("other"))).isFalse();
    }

    @Test
    void theLoggedPathNamesNoIdInClear() {
        ServerErrorLog.answered(DomainProblems.internal(Locale.ENGLISH),
                new RequestInfo("req-7", Locale.ENGLISH, "/api/chats/e7beed3f-e83f-4a42-9b32-45430a02291b/messages"),
                new IllegalStateException("boom"));

        assertThat(records).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("/api/chats/{id}/messages").doesNotContain("e7beed3f"));
        assertThat(ServerErrorLog.loggablePath("/a\u0000b/" + "x".repeat(300))).doesNotContain("\u0000").hasSize(203);
    }
}
