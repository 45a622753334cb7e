package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the package over one PgBouncer and one PostgreSQL, as operators run them behind a
 * load balancer: one user's token is accepted by both, and what one instance stores the other serves.
 */
class TwoInstancesIT {

    private static PgBouncer bouncer;
    private static LibertyServer first;
    private static LibertyServer second;

    @BeforeAll
    static void startTwoInstances() {
        Databases.postgres();
        bouncer = PgBouncer.start("cluster", PgBouncer.Mode.TRANSACTION, 8, Databases.postgres().getPort());
        first = LibertyServer.behind(bouncer, 1, Map.of());
        second = LibertyServer.behind(bouncer, 2, Map.of());
    }

    @AfterAll
    static void stopAll() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    @Test
    void aTurnSentThroughOneInstanceIsReadThroughTheOther() {
        String user = "two-instances-" + UUID.randomUUID();
        LibertyServer onFirst = first.as(user);
        LibertyServer onSecond = second.as(user);
        assertThat(onFirst.userId()).isEqualTo(onSecond.userId());
        String chat = onFirst.newChat();

        HttpResponse<String> sent = onFirst.post("/api/chats/" + chat + "/messages", "{\"content\":\"Ahoy from one\"}",
                UUID.randomUUID().toString(), Duration.ofSeconds(60));
        HttpResponse<String> read = onSecond.get("/api/chats/" + chat + "/messages");

        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).contains("Ahoy from one").contains("\"role\":\"assistant\"");
    }
}
