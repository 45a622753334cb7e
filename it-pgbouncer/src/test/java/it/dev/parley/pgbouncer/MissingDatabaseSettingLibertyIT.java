package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server built with the production defaults and started with neither {@code parley.db.url} nor
 * {@code parley.db.embedded=true}: the application must not start, and the log must say why in one
 * line that names the setting, without a stack trace in the log (Liberty's own lines about the failed
 * start quote the message; the stack traces go to its FFDC files only).
 */
class MissingDatabaseSettingLibertyIT {
    private static final String LINE = "Parley cannot start: set parley.db.url (environment PARLEY_DB_URL) to a"
            + " PostgreSQL JDBC URL, or parley.db.embedded=true (environment PARLEY_DB_EMBEDDED) for a throwaway"
            + " embedded database";

    private static LibertyServer server;

    @BeforeAll
    static void startWithoutADatabase() {
        server = LibertyServer.launch(Map.of(
                "PARLEY_HTTP_PORT", Integer.toString(Integer.getInteger("parley.pgb.http.port", 9181))));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theApplicationDoesNotStartAndOneLogLineNamesTheSetting() {
        // CWWKZ0012I "The application parley was not started." (CWWKZ0002E on other failure paths)
        boolean failed = Poll.until(Duration.ofSeconds(240),
                () -> server.messages().contains("CWWKZ0012I") || server.messages().contains("CWWKZ0002E"));
        String log = server.messages();
        System.out.println(log);
        assertThat(failed).as("the application's start failed:\n%s", log).isTrue();

        List<String> lines = log.lines().toList();
        assertThat(lines).filteredOn(l -> l.contains(" E " + LINE))
                .as("one SEVERE line with the message (Liberty's own SRVE0283E and FFDC lines quote it)").hasSize(1);
        assertThat(lines).filteredOn(l -> l.startsWith("\tat ") || l.contains("FlywaySqlException")
                || l.contains("Caused by")).as("no stack trace").isEmpty();
        assertThat(log).doesNotContain("db_embedded_started", "CWWKZ0001I: Application parley started");
        assertThat(server.statusOf("/api/personas")).as("nothing serves the API").isNotEqualTo(200);
    }
}
