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
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
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
 * free HTTP port, a token issuer whose key pair the test generates), then a chat, messages, the rows in
 * the database, and {@code bin/server stop parley}. The production defaults are in force: the debug
 * header is ignored, a provider failure is retried after the default 1 s backoff, the development
 * sign-in does not exist, every API call but the personas needs a token of the configured issuer, and
 * without an issuer the application does not start.
 */
class ServerPackageIT {
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedPostgres postgres;
    /** The fake provider: answers every call, except that it fails the first call about "Retry me". */
    private static HttpServer provider;
    private static final AtomicInteger RETRY_ME_CALLS = new AtomicInteger();
    private static final String ISSUER = "https://issuer.package.test";
    private static Path wlp;
    private static int port;
    /** The test issuer's signing key; its public half is the server's {@code mp.jwt.verify.publickey.location}. */
    private static PrivateKey issuerKey;
    private static Path issuerPublicKey;
    /** The caller's bearer token, signed by the test issuer. */
    private static String token;

    @BeforeAll
    static void unpackAndPrepareAnEmptyDatabase() throws IOException, SQLException, GeneralSecurityException {
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
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair issuer = generator.generateKeyPair();
        issuerKey = issuer.getPrivate();
        issuerPublicKey = work.resolve("issuer-public.pem");
        Files.writeString(issuerPublicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(issuer.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        long now = System.currentTimeMillis() / 1000;
        token = sign(Json.createObjectBuilder().add("iss", ISSUER).add("sub", "package-user-1")
                .add("preferred_username", "operator").add("iat", now).add("exp", now + 3600).build());
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

        run("start", true);
        try {
            assertThat(awaitOk(Duration.ofSeconds(180), "/health/ready"))
                    .as("ready within 3 minutes\n" + messages()).isEqualTo(200);
            assertThat(get("/health/started").statusCode()).isEqualTo(200);
            // the API contract is served by the package too (README "API"): the document and its UI
            HttpResponse<String> contract = get("/openapi");
            assertThat(contract.statusCode()).isEqualTo(200);
            assertThat(contract.body()).contains("title: Parley API").contains("/api/chats/{chatId}/messages");
            assertThat(get("/openapi/ui/").statusCode()).isEqualTo(200);

            HttpResponse<String> devLogin = send(HttpRequest.newBuilder(uri("/api/auth/dev-login"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"x\"}")));
            assertThat(devLogin.statusCode()).as("no development sign-in in production: " + devLogin.body()).isEqualTo(404);
            assertThat(json(devLogin.body()).asJsonObject().getString("code")).isEqualTo("NOT_FOUND");
            HttpResponse<String> anonymous = get("/api/me");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
            HttpResponse<String> me = send(HttpRequest.newBuilder(uri("/api/me")).header("Authorization", "Bearer " + token).GET());
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            assertThat(json(me.body()).asJsonObject().getString("displayName")).isEqualTo("operator");

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
            assertThat(scalar("select 100 - token_balance from users where subject = ?", "package-user-1"))
                    .as("three replies charged to the token's user").isEqualTo(3);
        } finally {
            run("stop", true);
        }
        assertThat(answers()).as("nothing listens after 'server stop'").isFalse();
    }

    /** Safe by default: a package started without a token issuer refuses to start and says which setting is missing. */
    @Test
    void withoutAnIssuerTheApplicationDoesNotStartAndTheLogNamesTheSetting() throws Exception {
        run("start", false);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (!messages().contains("CWWKZ0002E") && !messages().contains("CWWKZ0012I")
                    && !messages().contains("CWWKZ0001I") && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(250); // the polling interval of a deadline-bounded wait
            }
            String log = messages();
            assertThat(log).as(log).doesNotContain("CWWKZ0001I: Application parley started")
                    .contains("Parley cannot start: set mp.jwt.verify.issuer (environment MP_JWT_VERIFY_ISSUER)");
            assertThat(get("/api/personas").statusCode()).as("nothing serves the API").isNotEqualTo(200);
        } finally {
            run("stop", false);
        }
    }

    /** A compact RS256 JWS of {@code claims}, signed by the test issuer (no {@code kid}: it has one key). */
    private static String sign(JsonObject claims) throws GeneralSecurityException {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String input = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(issuerKey);
        rsa.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + base64.encodeToString(rsa.sign());
    }

    /**
     * {@code bin/server <action> parley} with a bare environment: the JDK, the PATH, and Parley's
     * settings, with or without the token issuer's.
     */
    private static void run(String action, boolean withIssuer) throws IOException, InterruptedException {
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
        if (withIssuer) {
            env.put("MP_JWT_VERIFY_ISSUER", ISSUER);
            env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", issuerPublicKey.toString());
        }
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
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body));
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
