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
 * before it, trusting the tokens of the {@link TestIssuer} (as production trusts its identity provider;
 * no development sign-in); and the few API calls the tests make against it (over HTTP/1.1), as one user.
 * Further instances of the same package ({@link #instance}) are copies of that server directory under
 * their own name and port, for tests of several instances over one database.
 */
final class LibertyServer implements AutoCloseable {
    private static final String FIRST = "parley-pgb";
    private static final String CAPTAIN_MIRA = "00000000-0000-4000-8000-00000000a001";
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");
    private volatile String userId;
    private final String subject;
    private final boolean owner;
    private static final Path WLP = Path.of(System.getProperty("parley.pgb.wlp.home", "target/liberty/wlp"));
    private final String name;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder()
            // HTTP/1.1: the JDK client's h2c upgrade requests stall under concurrency on Liberty
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private LibertyServer(String name, int port, String subject, boolean owner) {
        this.name = name;
        this.port = port;
        this.subject = subject;
        this.owner = owner;
    }

    /**
     * The same running server, its API called as the user {@code subject} (a token of {@link TestIssuer},
     * valid on every instance: {@code server1.as("alice")} and {@code server2.as("alice")} are one user).
     * Closing the returned view does not stop the server.
     */
    LibertyServer as(String subject) {
        return new LibertyServer(name, port, subject, false);
    }

    /** The first instance's HTTP port ({@code -Dparley.pgb.http.port}); instance n listens on that + n - 1. */
    static int port(int instance) {
        return Integer.getInteger("parley.pgb.http.port", 9181) + instance - 1;
    }

    /**
     * A server on the test port whose database is {@code bouncer} (as the superuser), and whose signed-in
     * user has tokens enough for any load.
     */
    static LibertyServer behind(PgBouncer bouncer) {
        return behind(bouncer, 1, Map.of());
    }

    /**
     * Instance {@code instance} (1, 2, ...) of the package behind {@code bouncer}, with {@code environment}
     * added (for example chaos-mode rates), its signed-in user funded for any load. Instances started
     * this way share the database, so they are one cluster; each has its own directory, logs and port.
     */
    static LibertyServer behind(PgBouncer bouncer, int instance, Map<String, String> environment) {
        return behind(bouncer, instance, environment, Databases.direct());
    }

    /** As {@link #behind(PgBouncer, int, Map)}, for a bouncer in front of {@code database} rather than {@link Databases}'. */
    static LibertyServer behind(PgBouncer bouncer, int instance, Map<String, String> environment,
            javax.sql.DataSource database) {
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("PARLEY_DB_URL", bouncer.jdbcUrl());
        all.put("PARLEY_DB_USER", "postgres");
        LibertyServer server = instance(instance, all);
        try (var c = database.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("update users set token_balance = 1000000 where id = '" + server.userId() + "'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return server;
    }

    /**
     * The directory of instance {@code instance}'s server (for 2, 3, ... it exists once started), e.g. to
     * put a test's own configuration drop-in there before the start.
     */
    static Path serverDirectory(int instance) {
        return WLP.resolve("usr/servers/" + (instance == 1 ? FIRST : FIRST + "-" + instance));
    }

    /** This server's logs directory (messages.log and, once it rolled over, messages_*.log). */
    Path logsDirectory() {
        return WLP.resolve("usr/servers/" + name + "/logs");
    }

    /** Starts the first instance with {@code environment} added and returns when /api/personas answers 200. */
    static LibertyServer start(Map<String, String> environment) {
        return instance(1, environment);
    }

    /**
     * Starts instance {@code instance} (1 is the server the build created; 2, 3, ... are copies of it made
     * now, named {@code parley-pgb-<n>}) on {@link #port(int)} with {@code environment} added, and returns
     * when its public /api/personas answers 200.
     */
    static LibertyServer instance(int instance, Map<String, String> environment) {
        LibertyServer server = new LibertyServer(copyOfFirst(instance), port(instance), "pgb-" + port(instance), true);
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.putIfAbsent("PARLEY_HTTP_PORT", Integer.toString(server.port));
        server.run(List.of("start", server.name), all);
        if (!Poll.until(Duration.ofSeconds(180), () -> server.status("/api/personas") == 200)) {
            String messages = server.messages();
            server.close();
            fail("Liberty never answered on port " + server.port + ":\n" + messages);
        }
        return server;
    }

    /** Starts the server with {@code environment} added and returns at once, whatever the application does. */
    static LibertyServer launch(Map<String, String> environment) {
        LibertyServer server = new LibertyServer(FIRST, port(1), "pgb-" + port(1), true);
        server.run(List.of("start", FIRST), environment);
        return server;
    }

    /** The server directory of instance {@code instance}: the build's for 1, a fresh copy of it for others. */
    private static String copyOfFirst(int instance) {
        if (instance == 1) {
            return FIRST;
        }
        String name = FIRST + "-" + instance;
        Path from = WLP.resolve("usr/servers/" + FIRST);
        Path to = WLP.resolve("usr/servers/" + name);
        try {
            if (Files.exists(to)) {
                try (var old = Files.walk(to)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            // the first instance may be running: its logs and workarea change under the walk, so they are
            // not even entered (a walk that stats them fails now and then with NoSuchFileException)
            Files.walkFileTree(from, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                        java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                    Path relative = from.relativize(dir);
                    String top = relative.getNameCount() == 0 ? "" : relative.getName(0).toString();
                    if (top.equals("logs") || top.equals("workarea")) {
                        return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(to.resolve(relative.toString()));
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file,
                        java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return name;
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

    /** The bearer token of this view's user, signed by the {@link TestIssuer}. */
    String token() {
        return TestIssuer.token(subject);
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

    /** POSTs {@code json} to {@code path} as this view's user with {@code headers} added (e.g. {@code X-Debug-Force-Error}). */
    HttpResponse<String> postWithHeaders(String path, String json, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return send(request);
    }

    /** GETs {@code path} as this view's user. */
    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token()).GET());
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

    /** A ticket for the chat's event stream ({@code POST /api/chats/{chatId}/events/ticket}) as this view's user. */
    String eventTicket(String chat) {
        HttpResponse<String> r = post("/api/chats/" + chat + "/events/ticket", "", null, Duration.ofSeconds(30));
        Matcher m = Pattern.compile("\"ticket\":\"([A-Za-z0-9_-]+)\"").matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            fail("no ticket: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    /**
     * Opens the chat's event stream with {@code ticket} (no bearer header, as a browser does), {@code query}
     * appended to the URL (e.g. {@code "&lastEventId=4"}) and {@code headers} added; returns once the server
     * registered it.
     */
    SseStream events(String chat, String ticket, String query, Map<String, String> headers) {
        return SseStream.open(baseUrl() + "/api/chats/" + chat + "/events?ticket=" + ticket + query, headers);
    }

    /** The status of a GET of the chat's event stream with {@code ticket} (the stream, if any, is dropped). */
    int eventsStatus(String chat, String ticket) {
        try {
            HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(
                            URI.create(baseUrl() + "/api/chats/" + chat + "/events?ticket=" + ticket))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return r.statusCode();
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
            Path log = WLP.resolve("usr/servers/" + name + "/logs/messages.log");
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
        List<String> command = new java.util.ArrayList<>(List.of(WLP.resolve("bin/server").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("PGBOUNCER_DISABLE_CACHE");
        pb.environment().remove("PARLEY_DB_PGBOUNCER_DISABLE_CACHE");
        pb.environment().remove("PARLEY_DB_URL");
        pb.environment().remove("PARLEY_DB_EMBEDDED");
        pb.environment().put("MP_JWT_VERIFY_ISSUER", TestIssuer.ISSUER);
        pb.environment().put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", TestIssuer.publicKeyFile().toString());
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
        if (!owner) {
            return;
        }
        run(List.of("stop", name), Map.of());
    }
}
