package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every 5xx is logged once, with its cause and the request id, also when it is answered on the
 * asynchronous send path (issue #13, point 4). Read in the server's {@code messages.log}; telemetry
 * events (JSON lines) carry the request id too and are not what this counts.
 */
class ServerErrorLogIT {
    private static final Api api = Api.fromSystemProperties();
    private static final Path LOG = Path.of(System.getProperty("parley.it.server-dir"), "logs", "messages.log");

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
        Db.topUp(api.userId(), 50);
    }

    @Test
    void aDatabaseFailureOnTheAsyncSendPathIsLoggedOnceWithItsCauseAndRequestId() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        String requestId = "it-log-" + UUID.randomUUID();

        Api.Reply reply = api.sendMessage(chat, "Hold the line", "X-Debug-Force-Error", "database",
                "X-Request-Id", requestId);

        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.json().getString("code")).isEqualTo("DATABASE_UNAVAILABLE");
        List<String> records = Poll.until(Duration.ofSeconds(10), () -> errorRecords(requestId),
                found -> !found.isEmpty(), "the 503's log record");
        assertThat(records).singleElement().satisfies(line -> assertThat(line)
                .contains(" W ").contains("503").contains("DATABASE_UNAVAILABLE").contains("cause:"));
    }

    @Test
    void aRefusalIsNotLoggedAsAnError() {
        String requestId = "it-log-" + UUID.randomUUID();

        Api.Reply reply = api.get("/api/chats/" + UUID.randomUUID() + "/messages", "X-Request-Id", requestId);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(errorRecords(requestId)).isEmpty();
    }

    /** The lines of messages.log with the request id that are not telemetry events. */
    private static List<String> errorRecords(String requestId) {
        try {
            return Files.readAllLines(LOG, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains(requestId) && !line.contains("{\"event\":"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
