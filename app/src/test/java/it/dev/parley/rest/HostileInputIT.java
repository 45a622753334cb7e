package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.contract.Exchanges;
import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fuzz corpus (issue #13, point 10): at least 300 hostile HTTP/1.1 requests, generated from a fixed
 * seed and written byte by byte on a raw socket, across every endpoint. For each: no 5xx; an error
 * is {@code application/problem+json} with a catalogue code; no stack trace or SQL in the body.
 * Requests that Liberty's HTTP layer refuses before the application sees them (a malformed request
 * line, a header over its limits) cannot be problem+json; for those only "no 5xx, no stack trace"
 * is asserted. Afterwards the server is healthy and rejected requests created no row. Every request
 * carries the test user's bearer token, so that it reaches the endpoints behind authentication
 * (AuthenticationIT covers hostile credentials). The corpus is printed when anything fails.
 */
class HostileInputIT {
    private static final long SEED = 13_10L;
    private static final int PER_CATEGORY = 30;
    private static final Api api = Api.fromSystemProperties();
    private static final URI BASE = URI.create(System.getProperty("parley.it.base-url", "http://localhost:9280"));
    private static final Set<String> CATALOGUE = Set.of("VALIDATION_FAILED", "UNAUTHENTICATED",
            "INSUFFICIENT_TOKENS", "CHAT_NOT_FOUND", "REQUEST_IN_PROGRESS", "IDEMPOTENCY_KEY_REUSED",
            "MODERATION_BLOCKED", "AI_RATE_LIMITED", "USER_RATE_LIMITED", "AI_BAD_RESPONSE", "AI_PROVIDER_UNAVAILABLE", "CIRCUIT_OPEN",
            "DATABASE_UNAVAILABLE", "AI_PROVIDER_TIMEOUT", "INTERNAL_ERROR", "NOT_FOUND", "METHOD_NOT_ALLOWED",
            "NOT_ACCEPTABLE", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "TOO_MANY_STREAMS");
    private static final Pattern LEAK = Pattern.compile(
            "Exception|\\tat |\\.java:\\d|\\bSQL|PSQL|org\\.postgresql|hibernate|jakarta\\.|java\\.lang|SRVE|CWW",
            Pattern.CASE_INSENSITIVE);
    /** What must never show, even in a response of Liberty's HTTP layer: a stack trace or SQL. */
    private static final Pattern STACK_TRACE = Pattern.compile(
            "Exception|\\tat |\\.java:\\d|\\bSQL|PSQL|org\\.postgresql|hibernate", Pattern.CASE_INSENSITIVE);
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

    private static String chat;

    /** One hostile request: what it tries, its raw bytes, and whether Liberty may refuse it first. */
    record Case(int index, String category, String description, byte[] request, boolean httpLayerMayRefuse) {
        String preview() {
            String text = new String(request, StandardCharsets.ISO_8859_1);
            text = text.length() > 300 ? text.substring(0, 300) + "...(" + request.length + " bytes)" : text;
            return "#" + index + " [" + category + "] " + description + "\n    "
                    + text.replace("\r\n", "\\r\\n").replaceAll("[\\x00-\\x1f\\x7f-\\xff]", "?");
        }
    }

    /** A parsed response. */
    record Answer(int status, Map<String, String> headers, String body) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
        Db.topUp(api.userId(), 500);
        chat = api.newChat(Api.CAPTAIN_MIRA);
    }

    @Test
    void hostileRequestsAreRefusedCleanlyAndLeaveNoTrace() {
        long messages = Db.scalar("select count(*) from messages");
        long chats = Db.scalar("select count(*) from chats");
        long ledger = Db.scalar("select count(*) from token_ledger");
        List<Case> corpus = corpus(new Random(SEED));
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(300);

        List<String> failures = new ArrayList<>();
        int createdChats = 0;
        int createdTurns = 0;
        for (Case c : corpus) {
            Answer answer;
            try {
                answer = exchange(c.request());
                recordForTheContract(c, answer);
            } catch (IOException e) {
                failures.add(c.preview() + "\n    -> no answer: " + e);
                continue;
            }
            String problem = check(c, answer);
            if (problem != null) {
                failures.add(c.preview() + "\n    -> " + answer.status() + " " + answer.contentType() + ": " + problem
                        + "\n    body: " + abbreviate(answer.body()));
            }
            if (answer.status() == 201 && c.category().startsWith("post-chat")) {
                createdChats++;
            }
            if (answer.status() == 201 && c.category().startsWith("post-message")) {
                createdTurns++;
            }
        }

        if (!failures.isEmpty()) {
            StringBuilder all = new StringBuilder("corpus (seed " + SEED + ", " + corpus.size() + " requests):\n");
            corpus.forEach(c -> all.append(c.preview()).append('\n'));
            System.out.println(all);
        }
        assertThat(failures).as("hostile requests answered badly (seed " + SEED + ")").isEmpty();

        assertThat(api.get("/api/me").status()).as("healthy afterwards").isEqualTo(200);
        assertThat(api.sendMessage(chat, "Still with us?").status()).as("a normal turn afterwards").isEqualTo(201);
        createdTurns++;
        assertThat(Db.scalar("select count(*) from chats")).as("only accepted requests create chats")
                .isEqualTo(chats + createdChats);
        assertThat(Db.scalar("select count(*) from messages")).as("only accepted turns create messages")
                .isEqualTo(messages + 2L * createdTurns);
        assertThat(Db.scalar("select count(*) from token_ledger")).isEqualTo(ledger + createdTurns);
    }

    /** Null when the answer is acceptable, else what is wrong with it. */
    private static String check(Case c, Answer a) {
        if (a.status() >= 500) {
            return "a 5xx";
        }
        if (STACK_TRACE.matcher(a.body()).find()) {
            return "a stack trace or SQL in the body";
        }
        boolean problemJson = a.contentType().startsWith("application/problem+json");
        if (!problemJson && a.status() >= 400 && c.httpLayerMayRefuse()) {
            return null; // refused by Liberty's HTTP layer before the application: only no 5xx, no stack trace
        }
        if (LEAK.matcher(a.body()).find()) {
            return "internal detail in the body";
        }
        if (a.status() < 400) {
            return c.category().startsWith("post-") || c.category().startsWith("method")
                    || c.category().startsWith("header") || c.category().startsWith("get")
                    ? null : "accepted";
        }
        if (!problemJson) {
            return "not application/problem+json";
        }
        var code = CODE.matcher(a.body());
        if (!code.find() || !CATALOGUE.contains(code.group(1))) {
            return "no catalogue code";
        }
        return null;
    }

    // ------------------------------------------------------------------ the corpus

    private static List<Case> corpus(Random random) {
        Map<String, Function<Random, Object[]>> categories = new LinkedHashMap<>();
        categories.put("post-message invalid UTF-8", r -> new Object[] {"POST", messagesPath(),
                json(), bytes("{\"content\":\"", randomInvalidUtf8(r), "\"}"), false});
        categories.put("post-message NUL and controls", r -> {
            String[] variants = {"{\"content\":\"a\\u0000b\"}", "{\"content\":\"\\u0000\"}",
                    "{\"content\":\"x\\u001b[2J\"}", "{\"content\":\"\\ud800\"}", "{\"content\":\"\\udfff\\ud800\"}",
                    "{\"content\":\"\\u0085\\u009f\"}"};
            boolean raw = r.nextBoolean();
            byte[] body = raw ? bytes("{\"content\":\"a", new byte[] {0, (byte) r.nextInt(32)}, "b\"}")
                    : variants[r.nextInt(variants.length)].getBytes(StandardCharsets.UTF_8);
            return new Object[] {"POST", messagesPath(), json(), body, false};
        });
        categories.put("post-message wrong types", r -> {
            String[] bodies = {"{\"content\":" + hugeNumber(r) + "}", "{\"content\":true}", "{\"content\":null}",
                    "{\"content\":[\"a\"]}", "{\"content\":{}}", "[]", "\"just a string\"", "null", "",
                    "{\"content\":-" + r.nextInt(Integer.MAX_VALUE) + "}", "{\"content\":1e999}", "{}",
                    "{\"content\":\"   \"}", "{\"content\":\"" + "x".repeat(4001) + "\"}", "{\"contents\":\"typo\"}",
                    "{\"content\":\"a\"", "{content:'a'}", "{\"content\":NaN}"};
            return new Object[] {"POST", messagesPath(), json(), utf8(bodies[r.nextInt(bodies.length)]), false};
        });
        categories.put("post-message deep and duplicated JSON", r -> {
            int depth = 100 + r.nextInt(20_000);
            String[] bodies = {"[".repeat(depth) + "]".repeat(depth),
                    "{\"content\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}",
                    "{\"content\":\"\",\"content\":\"\"}", "{\"content\":\"\\u0000\",\"content\":\"\\u0000\"}",
                    "{\"content\":1,\"content\":[]}", "{\"content\":\"" + "\\ud83d".repeat(1 + r.nextInt(50)) + "\"}"};
            return new Object[] {"POST", messagesPath(), json(), utf8(bodies[r.nextInt(bodies.length)]), false};
        });
        categories.put("post-message hostile Idempotency-Key", r -> {
            String[] keys = {"k".repeat(256 + r.nextInt(10_000)), "  ", "ключ-" + r.nextInt(),
                    "emoji-🚀-" + r.nextInt(), "tab\tkey-" + r.nextInt()};
            byte[] key = r.nextInt(4) == 0 ? bytes("raw-", randomInvalidUtf8(r), "") : isoBytes(keys[r.nextInt(keys.length)]);
            boolean big = key.length > 8000;
            return new Object[] {"POST", messagesPath(), headers(json(), "Idempotency-Key", key),
                    utf8("{\"content\":\"fuzz " + r.nextInt() + "\"}"), big};
        });
        categories.put("post-chat hostile bodies", r -> {
            String[] bodies = {"{\"personaId\":" + hugeNumber(r) + "}", "{\"personaId\":\"../../etc/passwd\"}",
                    "{\"personaId\":\"" + UUID.randomUUID() + "\"}", "{\"personaId\":\"" + Api.CAPTAIN_MIRA
                            + "\",\"title\":\"a\\u0000b\"}",
                    "{\"personaId\":\"" + Api.CAPTAIN_MIRA + "\",\"title\":" + hugeNumber(r) + "}",
                    "{\"personaId\":\"" + Api.CAPTAIN_MIRA + "\",\"title\":\"" + "t".repeat(201) + "\"}",
                    "{\"personaId\":\"" + Api.CAPTAIN_MIRA + "\",\"title\":\"two\\nlines\"}",
                    "{\"personaId\":null}", "[" .repeat(5000) + "]".repeat(5000), "{\"personaId\":\"x\",\"personaId\":\"y\"}",
                    "{\"personaId\":\"" + Api.CAPTAIN_MIRA.toUpperCase(Locale.ROOT) + "x\"}"};
            byte[] body = r.nextInt(5) == 0 ? bytes("{\"personaId\":\"", randomInvalidUtf8(r), "\"}")
                    : utf8(bodies[r.nextInt(bodies.length)]);
            return new Object[] {"POST", "/api/chats", json(), body, false};
        });
        categories.put("get-query huge and negative numbers", r -> {
            String[] values = {"-1", "-" + r.nextInt(Integer.MAX_VALUE), "2147483648", "99999999999999999999999",
                    "1e309", "NaN", "0x10", "%00", "1%00", "", "%ff%fe", "201", "0", "+5", "1.5", "%E2%80%8B"};
            String param = r.nextBoolean() ? "offset" : "limit";
            return new Object[] {"GET", messagesPath() + "?" + param + "=" + values[r.nextInt(values.length)],
                    new byte[0], null, false};
        });
        categories.put("get-path traversal in ids", r -> {
            String[] ids = {"..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..;", UUID.randomUUID() + "%00",
                    "{" + UUID.randomUUID() + "}", UUID.randomUUID() + "0", "%u002e%u002e", "..%5c..%5cwindows",
                    "%252e%252e%252f", "%C0%AE%C0%AE", "-1", "99999999999999999999", "null", "%F0%9F%9A%80",
                    UUID.randomUUID().toString().replace("-", ""), "%0d%0aSet-Cookie:x=1"};
            String[] tails = {"/messages", "/events", ""};
            // Liberty's web container refuses some encodings (%u, %00, CR LF, ';') before the application
            return new Object[] {"GET", "/api/chats/" + ids[r.nextInt(ids.length)] + tails[r.nextInt(tails.length)],
                    new byte[0], null, true};
        });
        categories.put("header 10000-character values", r -> {
            String[] names = {"Accept-Language", "X-Request-Id", "Idempotency-Key", "X-Debug-Force-Error", "X-Junk",
                    "Accept", "User-Agent"};
            String name = names[r.nextInt(names.length)];
            byte[] value = isoBytes(randomToken(r, 10_000));
            String[] paths = {"/api/me", "/api/personas", "/api/chats", messagesPath()};
            return new Object[] {"GET", paths[r.nextInt(paths.length)], headers(new byte[0], name, value), null, true};
        });
        categories.put("header malformed Accept-Language and X-Request-Id", r -> {
            String[] languages = {";;;", "zh-;q=abc", "*;q=2", "en-US-x-", "q=0.5", ",,,,", "zh;q=-1", "xx-" + r.nextInt(),
                    "zh-Hans-CN-u-ca-chinese-x-" + randomToken(r, 40), "\"zh\"", "en;q=1.0000001"};
            String[] ids = {"<script>alert(1)</script>", "x".repeat(65), "../../etc", "id with spaces", "%00", "'; drop table chats;--"};
            boolean language = r.nextBoolean();
            byte[] value = r.nextInt(5) == 0 ? bytes("v", randomInvalidUtf8(r), "")
                    : isoBytes(language ? languages[r.nextInt(languages.length)] : ids[r.nextInt(ids.length)]);
            String[] paths = {"/api/me", "/api/chats", messagesPath(), "/api/chats/" + UUID.randomUUID() + "/messages"};
            return new Object[] {"GET", paths[r.nextInt(paths.length)],
                    headers(new byte[0], language ? "Accept-Language" : "X-Request-Id", value), null, false};
        });
        categories.put("method not allowed", r -> {
            String[] methods = {"PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO"};
            String[] paths = {"/api/me", "/api/personas", "/api/chats", messagesPath(), "/api/chats/" + chat + "/events",
                    "/api/chats/" + chat};
            String method = methods[r.nextInt(methods.length)];
            boolean liberty = method.equals("TRACE") || method.equals("PROPFIND") || method.equals("FOO");
            return new Object[] {method, paths[r.nextInt(paths.length)], json(), utf8("{}"), liberty};
        });
        categories.put("post-message wrong media types", r -> {
            String[] types = {"text/plain", "application/json; charset=klingon", "multipart/form-data; boundary=x",
                    "application/x-www-form-urlencoded", "application/json; charset=UTF-16", "*/*", ";;"};
            return new Object[] {"POST", messagesPath(),
                    headers(new byte[0], "Content-Type", isoBytes(types[r.nextInt(types.length)])),
                    utf8("{\"content\":\"\\u0000\"}"), false};
        });
        List<Case> corpus = new ArrayList<>();
        for (Map.Entry<String, Function<Random, Object[]>> category : categories.entrySet()) {
            for (int i = 0; i < PER_CATEGORY; i++) {
                Object[] spec = category.getValue().apply(random);
                corpus.add(request(corpus.size(), category.getKey(), (String) spec[0], (String) spec[1],
                        (byte[]) spec[2], (byte[]) spec[3], (Boolean) spec[4]));
            }
        }
        return corpus;
    }

    private static String messagesPath() {
        return "/api/chats/" + chat + "/messages";
    }

    private static byte[] json() {
        return isoBytes("Content-Type: application/json\r\n");
    }

    private static byte[] headers(byte[] more, String name, byte[] value) {
        return concat(more, isoBytes(name + ": "), value, isoBytes("\r\n"));
    }

    private static Case request(int index, String category, String method, String path, byte[] headers, byte[] body,
            boolean httpLayerMayRefuse) {
        byte[] head = concat(isoBytes(method + " " + path + " HTTP/1.1\r\nHost: " + BASE.getHost() + ":"
                + BASE.getPort() + "\r\nAccept: application/json\r\nConnection: close\r\nAuthorization: Bearer "
                + api.token() + "\r\n"), headers,
                body == null ? new byte[0] : isoBytes("Content-Length: " + body.length + "\r\n"), isoBytes("\r\n"));
        return new Case(index, category, method + " " + path, body == null ? head : concat(head, body),
                httpLayerMayRefuse);
    }

    private static String hugeNumber(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> "9".repeat(50 + r.nextInt(500));
            case 1 -> "-" + r.nextLong();
            case 2 -> "1e" + (300 + r.nextInt(100000));
            default -> "-0.0000000000000000000000001";
        };
    }

    private static byte[] randomInvalidUtf8(Random r) {
        byte[][] invalid = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0x80},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
                {(byte) 0xE2, (byte) 0x82}};
        return invalid[r.nextInt(invalid.length)];
    }

    private static String randomToken(Random r, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('a' + r.nextInt(26)));
        }
        return out.toString();
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        return concat(utf8(before), middle, utf8(after));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Header bytes as written (Latin-1 for ASCII; characters beyond it go out as their UTF-8 bytes). */
    private static byte[] isoBytes(String s) {
        return s.chars().allMatch(c -> c < 256) ? s.getBytes(StandardCharsets.ISO_8859_1) : utf8(s);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    // ------------------------------------------------------------------ raw HTTP/1.1

    private static Answer exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket(BASE.getHost(), BASE.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before it read everything: read what it said
            }
            return parse(readAll(socket.getInputStream()));
        }
    }

    /**
     * An answer of the application is checked against the API document too (ContractCheck); one of
     * Liberty's HTTP layer, which refused the request before the application saw it, is not the API's.
     */
    private static void recordForTheContract(Case c, Answer answer) {
        if (c.httpLayerMayRefuse() && !answer.contentType().startsWith("application/problem+json")
                && answer.status() >= 400) {
            return;
        }
        byte[] request = c.request();
        String text = new String(request, StandardCharsets.ISO_8859_1);
        int lineEnd = text.indexOf("\r\n");
        String[] line = (lineEnd < 0 ? text : text.substring(0, lineEnd)).split(" ");
        if (line.length == 3 && line[0].matches("[A-Z]+") && line[1].startsWith("/") && line[2].equals("HTTP/1.1")) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            answer.headers().forEach((name, value) -> headers.put(name, List.of(value)));
            Exchanges.record(line[0], line[1], answer.status(), headers, answer.body());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            if (out.size() == 0) {
                throw reset;
            }
        }
        return out.toByteArray();
    }

    private static Answer parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete response: " + abbreviate(text));
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = i;
            while (lineEnd + 1 < body.length && !(body[lineEnd] == '\r' && body[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            String sizeLine = new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            if (sizeLine.isEmpty()) {
                break;
            }
            int size = Integer.parseInt(sizeLine, 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(body, start, Math.min(size, body.length - start));
            i = start + size + 2;
        }
        return out.toByteArray();
    }

    static {
        // fail loudly rather than silently if the socket helpers are misused
        if (BASE.getPort() < 0) {
            throw new UncheckedIOException(new IOException("parley.it.base-url needs a port: " + BASE));
        }
    }
}
