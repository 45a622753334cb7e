package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.EventStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounded event streams (issue #13, point 8), against the server's defaults: at most 10 streams per
 * chat (429 TOO_MANY_STREAMS beyond, with Retry-After), and a client that stops reading holds up
 * no send.
 */
class EventStreamLimitsIT {
    private static final Api api = Api.fromSystemProperties();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int MAX_PER_CHAT = 10;

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
        Db.topUp(api.userId(), 500);
    }

    @Test
    void aChatTakesTenStreamsAndTheEleventhIs429WithRetryAfter() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        List<EventStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_CHAT; i++) {
                EventStream stream = EventStream.open(api, chat);
                open.add(stream);
                assertThat(stream.status()).isEqualTo(200);
                stream.awaitComment("connected", WAIT);
            }

            Api.Reply refused = api.get("/api/chats/" + chat + "/events", "Accept", "text/event-stream");

            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.header("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(refused.json().getString("code")).isEqualTo("TOO_MANY_STREAMS");
            assertThat(refused.header("Retry-After")).contains("5");
            EventStream other = EventStream.open(api, api.newChat(Api.CAPTAIN_MIRA));
            open.add(other);
            assertThat(other.status()).as("another chat is not affected").isEqualTo(200);
        } finally {
            open.forEach(EventStream::close);
        }
    }

    @Test
    void aClientThatStopsReadingHoldsUpNoSend() throws Exception {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        URI base = URI.create(System.getProperty("parley.it.base-url", "http://localhost:9280"));
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(1024); // a client that reads nothing, with the smallest window
                socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/chats/" + chat + "/events HTTP/1.1\r\nHost: localhost\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                stuck.add(socket);
            }
            String big = "x".repeat(3900);
            try (EventStream watcher = EventStream.open(api, api.newChat(Api.PROFESSOR_LIN))) {
                watcher.awaitComment("connected", WAIT);
                for (int i = 0; i < 60; i++) {
                    long started = System.nanoTime();
                    Api.Reply reply = api.sendMessage(chat, big + " " + UUID.randomUUID());
                    long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
                    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
                    assertThat(tookMs).as("send %d with stuck streams on the chat", i).isLessThan(10_000);
                }
                watcher.awaitComment("keep-alive", WAIT); // other chats' streams still get their keep-alives
            }
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
        }
    }
}
