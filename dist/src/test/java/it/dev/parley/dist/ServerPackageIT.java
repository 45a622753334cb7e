package it.dev.parley.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployable, used as an operator would: {@code target/parley-server.zip} unpacked into an empty
 * directory, started with {@code bin/server start parley} and environment variables only (an empty
 * PostgreSQL database with its own role, an OpenAI-compatible provider faked at the HTTP boundary, a
 * free HTTP port), then a chat, messages, the rows in the database, and {@code bin/server stop parley}.
 * The production defaults are in force: the debug header is ignored, and a provider failure is
 * retried after the default 1 s backoff.
 */
class ServerPackageIT {
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedPostgres postgres;
    /** The fake provider: answers every call, except that it fails the first call about "Retry me". */
    private static HttpServer provider;
    private static final AtomicInteger RETRY_ME_CALLS = new AtomicInteger();
    private static Path wlp;
    private static int port;

    @BeforeAll
    static void unpackAndPrepareAnEmptyDatabase() throws IOException, SQLException {
        Path work = Path.of(System.getProperty("parley.package.work-dir", "target/package-it"));
        deleteRecursively(work);
        Files.createDirectories(work);
        unzip(Path.of(System.getProperty("parley.package.zip", "target/parley-server.zip")), work);
        wlp = work.resolve("wlp");

        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create role parley login password '" + PASSWORD + "'");
            s.execute("create database parley owner parley");
        }
        port = freePort();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/v1/chat/completions", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean fail = request.contains("Retry me") && RETRY_ME_CALLS.incrementAndGet() == 1;
            byte[] body = (fail ? "{\"error\":{\"message\":\"overloaded\"}}"
                    : "{\"model\":\"gpt-package\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                            + "\"content\":\"Aye, from the packaged server!\"}}]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        if (provider != null) {
            provider.stop(0);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theUnpackedServerStartsOnEnvironmentVariablesMigratesAnEmptyDatabaseAndServesTheApi() throws Exception {
        Path server = wlp.resolve("usr/servers/parley");
        assertThat(server.resolve("apps/parley.war")).isRegularFile();
        assertThat(server.resolve("jdbc/parley-server-jdbc.jar")).isRegularFile();
        assertThat(server.resolve("lib/global/hibernate-core.jar")).isRegularFile();
        assertThat(server.resolve("configDropins")).as("production configuration only: no drop-ins").doesNotExist();
        assertThat(wlp.resolve("usr/servers")).isDirectoryContaining(p -> p.getFileName().toString().equals("parley"));
        try (Stream<Path> servers = Files.list(wlp.resolve("usr/servers"))) {
            assertThat(servers).hasSize(1);
        }

        run("start");
        try {
            assertThat(awaitOk(Duration.ofSeconds(180), "/health/ready"))
                    .as("ready within 3 minutes\n" + messages()).isEqualTo(200);
            assertThat(get("/health/started").statusCode()).isEqualTo(200);
            // the API contract is served by the package too (README "API"): the document and its UI
            HttpResponse<String> contract = get("/openapi");
            assertThat(contract.statusCode()).isEqualTo(200);
            assertThat(contract.body()).contains("title: Parley API").contains("/api/chats/{chatId}/messages");
            assertThat(get("/openapi/ui/").statusCode()).isEqualTo(200);

            String persona = json(get("/api/personas").body()).asJsonArray().getJsonObject(0).getString("id");
            HttpResponse<String> chat = post("/api/chats", "{\"personaId\":\"" + persona + "\"}", Map.of());
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(201);
            String chatId = json(chat.body()).asJsonObject().getString("id");

            HttpResponse<String> first = post("/api/chats/" + chatId + "/messages", "{\"content\":\"Hello from the package\"}",
                    Map.of("Idempotency-Key", "package-1"));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
            assertThat(json(first.body()).asJsonObject().getJsonObject("assistantMessage").getString("content"))
                    .isEqualTo("Aye, from the packaged server!");

            HttpResponse<String> forced = post("/api/chats/" + chatId + "/messages", "{\"content\":\"Fail me if you can\"}",
                    Map.of("Idempotency-Key", "package-2", "X-Debug-Force-Error", "unavailable"));
            assertThat(forced.statusCode()).as("debug faults are off in production: " + forced.body()).isEqualTo(201);
            assertThat(json(forced.body()).asJsonObject().getJsonObject("retryMeta").getInt("attempts")).isEqualTo(1);

            HttpResponse<String> retried = post("/api/chats/" + chatId + "/messages", "{\"content\":\"Retry me\"}",
                    Map.of("Idempotency-Key", "package-3"));
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
            JsonObject meta = json(retried.body()).asJsonObject().getJsonObject("retryMeta");
            assertThat(meta.getInt("attempts")).as("one provider failure, then the reply: " + meta).isEqualTo(2);
            assertThat(meta.getJsonArray("backoffMs").getJsonNumber(0).longValue())
                    .as("the production backoff (1 s), not a test timing: " + meta).isEqualTo(1000);

            assertThat(scalar("select count(*) from messages where chat_id = ?::uuid", chatId)).isEqualTo(6);
            assertThat(scalar("select count(*) from messages where chat_id = ?::uuid and role = 'ASSISTANT'", chatId))
                    .isEqualTo(3);
            assertThat(scalar("select count(*) from flyway_schema_history where not success", null)).isZero();
            assertThat(scalar("select count(*) from pg_tables where tablename = 'messages' and tableowner = 'parley'", null))
                    .as("the schema was created by the configured role").isEqualTo(1);
            assertThat(messages()).contains("debug_header_ignored").doesNotContain("debug_fault_injected");
        } finally {
            run("stop");
        }
        assertThat(answers()).as("nothing listens after 'server stop'").isFalse();
    }

    /** {@code bin/server <action> parley} with a bare environment: the JDK, the PATH, and Parley's settings. */
    private static void run(String action) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, "parley")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PARLEY_HTTP_PORT", Integer.toString(port));
        env.put("PARLEY_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/parley");
        env.put("PARLEY_DB_USER", "parley");
        env.put("PARLEY_DB_PASSWORD", PASSWORD);
        env.put("PARLEY_AI_PROVIDER", "openai");
        env.put("PARLEY_AI_OPENAI_BASE_URL", "http://127.0.0.1:" + provider.getAddress().getPort());
        env.put("PARLEY_AI_OPENAI_API_KEY", "sk-package-test-0123456789");
        env.put("PARLEY_AI_OPENAI_MODEL", "gpt-package");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("'server " + action + " parley' did not return");
        }
        assertThat(p.exitValue()).as("server " + action + "\n" + messages()).isZero();
    }

    /** The status of {@code path} once it is 200, or the last one seen (-1: no answer) after {@code timeout}. */
    private static int awaitOk(Duration timeout, String path) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int status = -1;
        while (status != 200 && System.nanoTime() < deadline) {
            try {
                status = get(path).statusCode();
            } catch (UncheckedIOException e) {
                status = -1;
            }
            if (status != 200) {
                TimeUnit.MILLISECONDS.sleep(250); // the polling interval of a deadline-bounded wait
            }
        }
        return status;
    }

    private static boolean answers() {
        try {
            get("/health/live");
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonStructure json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.read();
        }
    }

    private static long scalar(String sql, String arg) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/parley";
        try (Connection c = DriverManager.getConnection(url, "parley", PASSWORD);
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String messages() {
        try {
            Path log = wlp.resolve("usr/servers/parley/logs/messages.log");
            return Files.exists(log) ? Files.readString(log) : "(no messages.log)";
        } catch (IOException e) {
            return "(messages.log unreadable: " + e + ")";
        }
    }

    /** Unpacks like {@code unzip}, and marks the launch scripts executable (java.util.zip drops the mode bits). */
    private static void unzip(Path zip, Path target) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : List.copyOf(file.stream().toList())) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                if (entry.getName().startsWith("wlp/bin/") && !entry.getName().endsWith(".bat")
                        && !entry.getName().endsWith(".jar")) {
                    out.toFile().setExecutable(true);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
