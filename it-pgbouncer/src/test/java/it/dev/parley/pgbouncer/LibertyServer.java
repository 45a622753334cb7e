package it.dev.parley.pgbouncer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Liberty server {@code parley-pgb} the build created (the app WAR and the root server.xml),
 * started by the test with the environment it chooses, so that PostgreSQL and PgBouncer are up
 * before it, and with the development sign-in on ({@code PARLEY_AUTH_DEV_LOGIN_ENABLED=true}); and the
 * few API calls the tests make against it (over HTTP/1.1), as one user signed in through it.
 */
final class LibertyServer implements AutoCloseable {
    private static final String NAME = "parley-pgb";
    private static final String CAPTAIN_MIRA = "00000000-0000-4000-8000-00000000a001";
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"accessToken\":\"([^\"]+)\"");
    private volatile String token;
    private volatile String userId;
    private final Path wlp = Path.of(System.getProperty("parley.pgb.wlp.home", "target/liberty/wlp"));
    private final int port = Integer.getInteger("parley.pgb.http.port", 9181);
    private final HttpClient http = HttpClient.newBuilder()
            // HTTP/1.1: the JDK client's h2c upgrade requests stall under concurrency on Liberty
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts the server with {@code environment} added and returns when the public /api/personas answers 200. */
    /**
     * A server on the test port whose database is {@code bouncer} (as the superuser), and whose signed-in
     * user has tokens enough for any load.
     */
    static LibertyServer behind(PgBouncer bouncer) {
        LibertyServer server = start(Map.of(
                "PARLEY_DB_URL", bouncer.jdbcUrl(),
                "PARLEY_DB_USER", "postgres",
                "PARLEY_HTTP_PORT", Integer.toString(Integer.getInteger("parley.pgb.http.port", 9181))));
        Databases.execute(
                "update users set token_balance = 1000000 where id = '" + server.userId() + "'");
        return server;
    }

    static LibertyServer start(Map<String, String> environment) {
        LibertyServer server = new LibertyServer();
        server.run(List.of("start", NAME), environment);
        if (!Poll.until(Duration.ofSeconds(180), () -> server.status("/api/personas") == 200)) {
            String messages = server.messages();
            server.close();
            fail("Liberty never answered on port " + server.port + ":\n" + messages);
        }
        return server;
    }

    /** Starts the server with {@code environment} added and returns at once, whatever the application does. */
    static LibertyServer launch(Map<String, String> environment) {
        LibertyServer server = new LibertyServer();
        server.run(List.of("start", NAME), environment);
        return server;
    }

    /** The HTTP status of GET {@code path}, or -1 when nothing answers. */
    int statusOf(String path) {
        return status(path);
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    /** Starts a chat with Captain Mira and returns its id. */
    String newChat() {
        HttpResponse<String> r = post("/api/chats", "{\"personaId\":\"" + CAPTAIN_MIRA + "\"}", null,
                Duration.ofSeconds(60));
        Matcher m = ID.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            fail("no chat: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    /** The signed-in user's id ({@code GET /api/me}, which provisions the user on first use). */
    String userId() {
        if (userId == null) {
            HttpResponse<String> me = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/me"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token()).GET());
            Matcher m = ID.matcher(me.body());
            if (me.statusCode() != 200 || !m.find()) {
                fail("GET /api/me: " + me.statusCode() + " " + me.body());
            }
            userId = m.group(1);
        }
        return userId;
    }

    /** The bearer token of this server's test user, from the development sign-in. */
    private synchronized String token() {
        if (token == null) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/auth/dev-login"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"pgb-" + port + "\"}")));
            Matcher m = ACCESS_TOKEN.matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) {
                fail("dev-login: " + r.statusCode() + " " + r.body());
            }
            token = m.group(1);
        }
        return token;
    }

    /**
     * POSTs {@code json} to {@code path} as the test user, with an {@code Idempotency-Key} when one is
     * given; a request still unanswered after {@code timeout} fails.
     */
    HttpResponse<String> post(String path, String json, String idempotencyKey, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code code} of a problem body, or "" when there is none. */
    static String code(HttpResponse<String> response) {
        Matcher m = CODE.matcher(response.body());
        return m.find() ? m.group(1) : "";
    }

    /** The server's messages.log so far. */
    String messages() {
        try {
            Path log = wlp.resolve("usr/servers/" + NAME + "/logs/messages.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void run(List<String> args, Map<String, String> environment) {
        List<String> command = new java.util.ArrayList<>(List.of(wlp.resolve("bin/server").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("PGBOUNCER_DISABLE_CACHE");
        pb.environment().remove("PARLEY_DB_PGBOUNCER_DISABLE_CACHE");
        pb.environment().remove("PARLEY_DB_URL");
        pb.environment().remove("PARLEY_DB_EMBEDDED");
        pb.environment().put("PARLEY_AUTH_DEV_LOGIN_ENABLED", "true");
        // the load these tests put on the one user of each test exceeds the per-user limits by design (test-only)
        pb.environment().put("PARLEY_LIMITS_USER_IN_FLIGHT", "1000");
        pb.environment().put("PARLEY_LIMITS_USER_SENDS_PER_MINUTE", "1000000");
        pb.environment().putAll(environment);
        try {
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("'server " + String.join(" ", args) + "' did not return");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run(List.of("stop", NAME), Map.of());
    }
}
