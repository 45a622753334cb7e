package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chat events across two instances over one PgBouncer (transaction mode) and one PostgreSQL, no sticky
 * sessions: instance 1 has no direct connection (its database URL is PgBouncer's, where LISTEN cannot
 * work), so it polls the outbox; instance 2 LISTENs on a direct connection
 * ({@code PARLEY_EVENTS_LISTEN_URL}). A turn sent through one reaches a stream open on the other both
 * ways; a ticket issued by one opens one stream on the other, once; a dropped stream resumed with its
 * last event id gets exactly what it missed, then the live events.
 */
class EventsAcrossInstancesIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static PgBouncer bouncer;
    private static LibertyServer polling;
    private static LibertyServer listening;

    @BeforeAll
    static void startTwoInstances() {
        Databases.postgres();
        bouncer = PgBouncer.start("events", PgBouncer.Mode.TRANSACTION, 8, Databases.postgres().getPort());
        polling = LibertyServer.behind(bouncer, 1, Map.of());
        listening = LibertyServer.behind(bouncer, 2, Map.of("PARLEY_EVENTS_LISTEN_URL", Databases.directUrl(),
                "PARLEY_EVENTS_LISTEN_USER", "postgres"));
    }

    @AfterAll
    static void stopAll() {
        if (listening != null) {
            listening.close();
        }
        if (polling != null) {
            polling.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    private static String user() {
        return "events-" + UUID.randomUUID();
    }

    private static void send(LibertyServer server, String chat, String content) {
        HttpResponse<String> sent = server.post("/api/chats/" + chat + "/messages",
                "{\"content\":\"" + content + "\"}", UUID.randomUUID().toString(), Duration.ofSeconds(60));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
    }

    private static List<String> ids(long from, long to) {
        return IntStream.rangeClosed((int) from, (int) to).mapToObj(Integer::toString).toList();
    }

    /** The four events of a successful turn, in order, with the chat's ids {@code first..first+3}. */
    private static void assertOneTurn(SseStream stream, int first, String content) {
        List<SseStream.Event> events = stream.events();
        assertThat(events).extracting(SseStream.Event::name).containsExactly("typing", "message", "message", "typing");
        assertThat(stream.ids()).containsExactlyElementsOf(ids(first, first + 3));
        assertThat(events.get(0).data()).contains("\"active\":true");
        assertThat(events.get(1).data()).contains(content).contains("\"role\":\"user\"");
        assertThat(events.get(2).data()).contains("\"role\":\"assistant\"");
        assertThat(events.get(3).data()).contains("\"active\":false");
    }

    @Test
    void onlyTheInstanceWithADirectConnectionListens() throws SQLException {
        assertThat(Poll.until(WAIT, () -> listeners() == 1)).as("one LISTEN connection").isTrue();
    }

    @Test
    void aTurnSentThroughThePollingInstanceReachesAStreamOnTheListeningOne() {
        aTurnSentThroughOneReachesAStreamOnTheOther(polling, listening, "Ahoy from one");
    }

    @Test
    void aTurnSentThroughTheListeningInstanceReachesAStreamOnThePollingOne() {
        aTurnSentThroughOneReachesAStreamOnTheOther(listening, polling, "Ahoy from two");
    }

    /** The ticket comes from the sending instance too: the stream's instance redeems another's ticket. */
    private static void aTurnSentThroughOneReachesAStreamOnTheOther(LibertyServer sender, LibertyServer watcher,
            String content) {
        String user = user();
        String chat = sender.as(user).newChat();
        try (SseStream stream = watcher.as(user).events(chat, sender.as(user).eventTicket(chat), "", Map.of())) {
            send(sender.as(user), chat, content);
            long answered = System.nanoTime();

            assertThat(stream.await(e -> e.size() >= 4, WAIT)).as("four events: %s", stream.events()).isTrue();
            System.out.printf("events: sent on %s, last event on the other instance %d ms after the 201"
                    + " (measured, not asserted)%n", sender == polling ? "the polling instance" : "the listening one",
                    Duration.ofNanos(System.nanoTime() - answered).toMillis());
            assertOneTurn(stream, 1, content);
        }
    }

    @Test
    void aTicketFromOneInstanceOpensOneStreamOnTheOtherOnceOnly() {
        String user = user();
        String chat = polling.as(user).newChat();
        String ticket = polling.as(user).eventTicket(chat);

        try (SseStream stream = listening.as(user).events(chat, ticket, "", Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(listening.eventsStatus(chat, ticket)).as("again on the same instance").isEqualTo(401);
            assertThat(polling.eventsStatus(chat, ticket)).as("again on the issuing instance").isEqualTo(401);
        }
        String another = listening.as(user).eventTicket(chat);
        String otherChat = listening.as(user).newChat();
        assertThat(polling.eventsStatus(otherChat, another)).as("for another chat").isEqualTo(401);
        assertThat(polling.eventsStatus(chat, another)).as("used up by the refused try").isEqualTo(401);
    }

    @Test
    void aDroppedStreamResumedWithItsLastEventIdGetsExactlyTheMissedEventsThenTheLiveOnes() {
        String user = user();
        String chat = polling.as(user).newChat();
        try (SseStream first = listening.as(user).events(chat, listening.as(user).eventTicket(chat), "", Map.of())) {
            send(polling.as(user), chat, "first");
            assertThat(first.await(e -> e.size() >= 4, WAIT)).as("the first turn").isTrue();
            assertOneTurn(first, 1, "first");
        }
        // the stream is down while two turns happen
        send(listening.as(user), chat, "second");
        send(polling.as(user), chat, "third");

        // a browser's EventSource sends Last-Event-ID; the web client, with a new ticket, the query parameter
        try (SseStream byHeader = polling.as(user).events(chat, listening.as(user).eventTicket(chat), "",
                        Map.of("Last-Event-ID", "4"));
                SseStream byQuery = listening.as(user).events(chat, polling.as(user).eventTicket(chat),
                        "&lastEventId=4", Map.of())) {
            assertThat(byHeader.await(e -> e.size() >= 8, WAIT)).as("the missed events: %s", byHeader.events())
                    .isTrue();
            assertThat(byQuery.await(e -> e.size() >= 8, WAIT)).as("the missed events: %s", byQuery.events()).isTrue();

            send(listening.as(user), chat, "fourth");

            assertThat(byHeader.await(e -> e.size() >= 12, WAIT)).as("then live").isTrue();
            assertThat(byQuery.await(e -> e.size() >= 12, WAIT)).as("then live").isTrue();
            Poll.until(Duration.ofSeconds(1), () -> false); // anything more would be a repeat
            assertThat(byHeader.ids()).containsExactlyElementsOf(ids(5, 16));
            assertThat(byQuery.ids()).containsExactlyElementsOf(ids(5, 16));
            assertThat(byHeader.events().get(1).data()).contains("second");
            assertThat(byQuery.events().get(5).data()).contains("third");
        }
    }

    @Test
    void aResumeFromAnIdTheChatNeverGaveIsTheResetSignal() {
        String user = user();
        String chat = polling.as(user).newChat();
        send(polling.as(user), chat, "only");

        try (SseStream stream = listening.as(user).events(chat, polling.as(user).eventTicket(chat), "",
                Map.of("Last-Event-ID", "999"))) {
            assertThat(stream.await(e -> !e.isEmpty(), WAIT)).isTrue();
            assertThat(stream.events().get(0).name()).isEqualTo("reset");
            assertThat(stream.events().get(0).id()).isEqualTo("4");
            assertThat(stream.events().get(0).data()).contains("\"lastEventId\":4");
        }
    }

    private static int listeners() {
        try (Connection c = Databases.direct().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity"
                        + " where application_name = 'parley-events-listener'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
