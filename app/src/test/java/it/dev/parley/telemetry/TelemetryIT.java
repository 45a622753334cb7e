package it.dev.parley.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import it.dev.parley.support.Api;
import it.dev.parley.support.EventStream;
import it.dev.parley.support.Poll;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metrics and traces, end to end: the IT server runs with the OpenTelemetry SDK on (its test-only
 * bootstrap.properties) and exports OTLP/HTTP to a {@link FakeCollector} started here. A scripted
 * run (a success, a transient failure, a rate limit that fails the turn, a chat whose breaker
 * opens and then refuses) must show up as counters, histogram counts, the open-breaker gauge and a
 * span tree with the right attributes, and nothing exported may carry message content, the user's
 * id, a chat id in a metric, or a key. Counters are cumulative and the server is shared with the
 * other ITs (which run one after another): the counts checked are the increase over the run.
 */
class TelemetryIT {
    private static final int PORT = Integer.getInteger("parley.it.otlp.port", 9281);
    private static final String SERVICE = "parley-it-" + Integer.getInteger("parley.it.http.port", 9280);
    private static final Duration EXPORT_WAIT = Duration.ofSeconds(30);
    private static final String SECRET = "sk-otel-0123456789abcdef";
    private static final Api api = Api.fromSystemProperties();

    private static FakeCollector collector;
    private static Map<String, Metric> before;
    private static final List<String> contents = new ArrayList<>();
    private static final List<String> chats = new ArrayList<>();
    private static String userId;
    private static String okRequest;
    private static String transientRequest;
    private static String rateLimitedRequest;
    private static String refusedRequest;
    private static long openGaugeAfterOpening;

    @BeforeAll
    static void scriptedRun() throws IOException {
        collector = new FakeCollector(PORT, SERVICE);
        api.awaitReady(Duration.ofSeconds(180)); // this may be the first IT class: the application may still be starting
        userId = api.get("/api/me").json().getString("id");
        before = Poll.until(EXPORT_WAIT, collector::latestMetrics, m -> !m.isEmpty(), "a first metrics export");

        okRequest = send("Where are we headed, captain? " + SECRET, null, 201);
        streamed("Any land in sight? " + SECRET);
        transientRequest = send("Is the storm over? " + SECRET, "unavailable; count=1", 201);
        rateLimitedRequest = send("Tell me a secret " + SECRET, "rate_limited", 429);

        String broken = newChat();
        send(broken, "one " + SECRET, "bad_response", 502);
        send(broken, "two " + SECRET, "bad_response", 503);
        refusedRequest = send(broken, "three " + SECRET, null, 503);
        openGaugeAfterOpening = Poll.until(EXPORT_WAIT, () -> Otlp.gauge(collector.latestMetrics()
                .get("parley.breaker.open")).orElse(0L), open -> open >= 1, "the open-breaker gauge");
    }

    /** Leaves what was received in target/telemetry-it-received.txt (metric names, the transient turn's spans), for humans. */
    @AfterAll
    static void stopCollector() throws IOException {
        if (collector != null) {
            StringBuilder report = new StringBuilder("metrics received:\n");
            collector.latestMetrics().values().forEach(m -> report.append("  ").append(m.getName()).append(' ')
                    .append(m.getUnit()).append(' ').append(m.getDataCase()).append(' ')
                    .append(Otlp.pointAttributes(m).stream().limit(6).toList()).append('\n'));
            report.append("spans of ").append(transientRequest).append(":\n");
            for (Span span : trace(transientRequest)) {
                report.append("  ").append(span.getName()).append(' ').append(span.getKind())
                        .append(" span=").append(HexFormat.of().formatHex(span.getSpanId().toByteArray()))
                        .append(" parent=").append(HexFormat.of().formatHex(span.getParentSpanId().toByteArray()))
                        .append(' ').append(Otlp.attributes(span)).append(' ')
                        .append(span.getEventsList().stream().map(e -> e.getName() + Otlp.attributes(e.getAttributesList())).toList())
                        .append('\n');
            }
            Files.writeString(Path.of("target", "telemetry-it-received.txt"), report, StandardCharsets.UTF_8);
            collector.close();
        }
    }

    private static String newChat() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        chats.add(chat);
        return chat;
    }

    private static String send(String content, String fault, int status) {
        return send(newChat(), content, fault, status);
    }

    /** Sends with a fresh request id; returns it. */
    private static String send(String chat, String content, String fault, int status) {
        String requestId = "it-otel-" + UUID.randomUUID();
        contents.add(content);
        List<String> headers = new ArrayList<>(List.of("X-Request-Id", requestId));
        if (fault != null) {
            headers.addAll(List.of("X-Debug-Force-Error", fault));
        }
        Api.Reply reply = api.sendMessage(chat, content, headers.toArray(String[]::new));
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        return requestId;
    }

    /** Sends with the reply streamed, read to its end: a third completed turn, with a first piece. */
    private static void streamed(String content) {
        contents.add(content);
        try (EventStream events = EventStream.post(api, "/api/chats/" + newChat() + "/messages",
                "{\"content\":" + jakarta.json.Json.createValue(content) + "}", "X-Request-Id",
                "it-otel-" + UUID.randomUUID())) {
            assertThat(events.next("accepted", EXPORT_WAIT).getString("status")).isEqualTo("pending");
            EventStream.Item item = events.next(EXPORT_WAIT);
            while (item.name().equals("delta")) {
                item = events.next(EXPORT_WAIT);
            }
            assertThat(item.name()).as(item.data()).isEqualTo("completed");
        }
    }

    /** The increase of a counter's data point over the run, once an export shows it reached at least {@code expected}. */
    private static long increase(String metric, Map<String, String> attributes, long expected) {
        long start = Otlp.count(before.get(metric), attributes);
        return Poll.until(EXPORT_WAIT, () -> Otlp.count(collector.latestMetrics().get(metric), attributes) - start,
                grown -> grown >= expected, metric + " " + attributes);
    }

    private static long histogramIncrease(String metric, Map<String, String> attributes, long expected) {
        long start = Otlp.histogramCount(before.get(metric), attributes);
        return Poll.until(EXPORT_WAIT,
                () -> Otlp.histogramCount(collector.latestMetrics().get(metric), attributes) - start,
                grown -> grown >= expected, metric + " " + attributes);
    }

    @Test
    void turnsAttemptsTokensAndBackoffAreCountedByOutcomeAndErrorCode() {
        assertThat(increase("parley.turns", Map.of("outcome", "completed"), 3)).isEqualTo(3);
        assertThat(increase("parley.turns", Map.of("outcome", "failed", "error.type", "AI_RATE_LIMITED"), 1))
                .isEqualTo(1);
        assertThat(increase("parley.turns", Map.of("outcome", "failed", "error.type", "AI_BAD_RESPONSE"), 1))
                .isEqualTo(1);
        assertThat(increase("parley.turns", Map.of("outcome", "failed", "error.type", "CIRCUIT_OPEN"), 2))
                .isEqualTo(2);

        assertThat(increase("parley.generation.attempts", Map.of("outcome", "succeeded"), 3)).isEqualTo(3);
        assertThat(increase("parley.generation.attempts",
                Map.of("outcome", "failed", "error.type", "AI_PROVIDER_UNAVAILABLE"), 1)).isEqualTo(1);
        assertThat(increase("parley.generation.attempts",
                Map.of("outcome", "failed", "error.type", "AI_RATE_LIMITED"), 1)).isGreaterThanOrEqualTo(1);
        // the opening turn's last failed attempt opens the breaker (no rejection); the next turn is refused
        assertThat(increase("parley.generation.attempts",
                Map.of("outcome", "rejected", "error.type", "CIRCUIT_OPEN"), 1)).isEqualTo(1);

        assertThat(histogramIncrease("parley.turn.duration", Map.of("outcome", "completed"), 3)).isEqualTo(3);
        assertThat(histogramIncrease("parley.turn.duration",
                Map.of("outcome", "failed", "error.type", "AI_RATE_LIMITED"), 1)).isEqualTo(1);
        assertThat(histogramIncrease("parley.generation.duration", Map.of("outcome", "succeeded"), 3)).isEqualTo(3);
        assertThat(histogramIncrease("parley.retry.backoff", Map.of(), 2)).as("the transient and the rate-limited turn")
                .isGreaterThanOrEqualTo(2);
        assertThat(increase("parley.tokens.charged", Map.of(), 3)).isEqualTo(3);
        assertThat(histogramIncrease("gen_ai.client.operation.time_to_first_chunk",
                Map.of("gen_ai.operation.name", "chat", "gen_ai.system", "local"), 1)).as("the streamed turn's one attempt").isEqualTo(1);
    }

    @Test
    void theBreakerTransitionsAreCountedAndTheOpenGaugeIsOneNumber() {
        assertThat(increase("parley.breaker.transitions", Map.of("from", "closed", "to", "open"), 1))
                .isGreaterThanOrEqualTo(1);
        assertThat(openGaugeAfterOpening).isGreaterThanOrEqualTo(1);
        Metric gauge = collector.latestMetrics().get("parley.breaker.open");
        assertThat(Otlp.pointAttributes(gauge)).as("one series, not one per chat").containsExactly(Map.of());
    }

    @Test
    void aTurnIsASpanUnderTheHttpRequestWithAChildPerAttemptAndTheBackoffAsAnEvent() {
        List<Span> spans = Poll.until(EXPORT_WAIT, () -> trace(transientRequest),
                found -> found.size() >= 4, "the transient turn's trace");
        Span turn = turnSpan(spans, transientRequest);
        assertThat(Otlp.attributes(turn)).containsEntry("parley.request_id", transientRequest)
                .containsEntry("outcome", "completed").containsEntry("parley.attempts", "2");
        Span server = spans.stream().filter(s -> s.getSpanId().equals(turn.getParentSpanId())).findFirst()
                .orElseThrow(() -> new AssertionError("the turn's parent span is not in the trace: " + names(spans)));
        assertThat(server.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);

        List<Span> attempts = children(spans, turn);
        assertThat(attempts).extracting(Span::getName).containsOnly("parley.generation.attempt").hasSize(2);
        assertThat(attempts).extracting(a -> Otlp.attributes(a).get("outcome")).containsExactly("failed", "succeeded");
        assertThat(Otlp.attributes(attempts.get(0))).containsEntry("error.type", "AI_PROVIDER_UNAVAILABLE")
                .containsEntry("parley.will_retry", "true");
        assertThat(attempts.get(0).getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(turn.getEventsList()).singleElement().satisfies(event -> {
            assertThat(event.getName()).isEqualTo("backoff");
            assertThat(Otlp.attributes(event.getAttributesList())).containsEntry("parley.attempt", "1")
                    .containsKey("parley.backoff_ms");
        });
        assertThat(attempts.get(0).getEndTimeUnixNano()).isLessThanOrEqualTo(attempts.get(1).getStartTimeUnixNano());
    }

    @Test
    void aFailedTurnsSpanCarriesItsErrorCodeAndARefusedAttemptIsASpanToo() {
        Span failed = turnSpan(Poll.until(EXPORT_WAIT, () -> trace(rateLimitedRequest),
                found -> hasTurn(found, rateLimitedRequest), "the rate-limited turn"), rateLimitedRequest);
        assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(failed.getStatus().getMessage()).isEqualTo("AI_RATE_LIMITED");
        assertThat(Otlp.attributes(failed)).containsEntry("outcome", "failed").containsEntry("error.type", "AI_RATE_LIMITED");

        List<Span> refusedTrace = Poll.until(EXPORT_WAIT, () -> trace(refusedRequest),
                found -> hasTurn(found, refusedRequest), "the refused turn");
        Span refused = turnSpan(refusedTrace, refusedRequest);
        assertThat(Otlp.attributes(refused)).containsEntry("error.type", "CIRCUIT_OPEN");
        assertThat(children(refusedTrace, refused)).singleElement()
                .satisfies(a -> assertThat(Otlp.attributes(a)).containsEntry("outcome", "rejected")
                        .containsEntry("parley.breaker.state", "open"));

        Span ok = turnSpan(Poll.until(EXPORT_WAIT, () -> trace(okRequest), found -> hasTurn(found, okRequest),
                "the successful turn"), okRequest);
        assertThat(ok.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    }

    @Test
    void libertysOwnHttpConnectionPoolAndJvmMetricsComeWithTheFeature() {
        Set<String> names = Poll.until(EXPORT_WAIT, () -> collector.latestMetrics().keySet(),
                n -> n.contains("http.server.request.duration") && n.stream().anyMatch(m -> m.startsWith("jvm.")),
                "Liberty's metrics");
        assertThat(names).as("all names: " + names).contains("http.server.request.duration")
                .anyMatch(n -> n.startsWith("io.openliberty.connection_pool."))
                .anyMatch(n -> n.startsWith("jvm.memory."))
                .anyMatch(n -> n.startsWith("jvm.thread."));
        Metric http = collector.latestMetrics().get("http.server.request.duration");
        assertThat(Otlp.pointAttributes(http)).extracting(a -> a.get("http.route"))
                .as("routes are templates, never a chat id").noneMatch(r -> r != null && chats.stream().anyMatch(r::contains));
    }

    @Test
    void nothingExportedCarriesMessageContentTheUserIdOrAKeyAndNoMetricAChatId() {
        Poll.until(EXPORT_WAIT, () -> trace(refusedRequest), found -> hasTurn(found, refusedRequest), "the last turn");
        String everything = collector.everythingAsText();
        assertThat(everything).doesNotContain(SECRET).doesNotContain(userId).doesNotContain("Bearer ");
        for (String content : contents) {
            assertThat(everything).doesNotContain(content);
        }
        String metrics = collector.resourceMetrics().toString();
        for (String chat : chats) {
            assertThat(metrics).as("a chat id in a metric").doesNotContain(chat);
        }
        for (Span span : collector.spans()) {
            if (span.getName().startsWith("parley.")) {
                assertThat(Otlp.attributes(span).values()).as(span.getName()).noneMatch(v -> chats.stream().anyMatch(v::contains));
            }
        }
    }

    @Test
    void everyQueryOfTheDashboardUsesOnlyMetricsTheServiceEmits() throws IOException {
        Poll.until(EXPORT_WAIT, () -> collector.latestMetrics().keySet(),
                n -> n.contains("parley.breaker.open") && n.contains("http.server.request.duration"), "the metrics");
        Set<String> emitted = new TreeSet<>();
        collector.latestMetrics().values().forEach(m -> emitted.addAll(Otlp.prometheusNames(m)));

        List<String> queries = dashboardQueries(Path.of("..", "docs", "ops", "parley-dashboard.json"));
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        for (String query : queries) {
            assertThat(metricNames(query)).as(query).isNotEmpty().allSatisfy(name -> assertThat(emitted)
                    .as("%s in %s", name, query).contains(name));
        }
    }

    private static List<String> dashboardQueries(Path dashboard) throws IOException {
        try (Reader in = Files.newBufferedReader(dashboard, StandardCharsets.UTF_8); JsonReader reader = Json.createReader(in)) {
            List<String> queries = new ArrayList<>();
            collectExpressions(reader.readObject(), queries);
            return queries;
        }
    }

    private static void collectExpressions(JsonValue value, List<String> into) {
        if (value instanceof JsonObject object) {
            object.forEach((key, child) -> {
                if (key.equals("expr") && child.getValueType() == JsonValue.ValueType.STRING) {
                    into.add(object.getString("expr"));
                } else {
                    collectExpressions(child, into);
                }
            });
        } else if (value != null && value.getValueType() == JsonValue.ValueType.ARRAY) {
            value.asJsonArray().forEach(child -> collectExpressions(child, into));
        }
    }

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "le", "inf", "nan");

    /** The metric names of a PromQL expression: identifiers that are not functions, keywords, label names or durations. */
    static Set<String> metricNames(String query) {
        String stripped = query.replaceAll("\\{[^}]*}", "")        // label matchers
                .replaceAll("\\[[^]]*]", "")                      // range selectors
                .replaceAll("\"[^\"]*\"", "")                     // strings
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", ""); // label lists
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(stripped);
        while (m.find()) {
            String word = m.group().replaceAll("\\s*\\($", "");
            boolean function = m.group(1) != null;
            if (!function && !PROMQL_WORDS.contains(word.toLowerCase()) && !word.matches("\\d.*")) {
                names.add(word);
            }
        }
        return names;
    }

    private static List<Span> trace(String requestId) {
        List<Span> all = collector.spans();
        return all.stream().filter(s -> requestId.equals(Otlp.attributes(s).get("parley.request_id")))
                .findFirst()
                .map(turn -> all.stream().filter(s -> s.getTraceId().equals(turn.getTraceId())).toList())
                .orElse(List.of());
    }

    private static boolean hasTurn(List<Span> spans, String requestId) {
        return spans.stream().anyMatch(s -> s.getName().equals("parley.turn")
                && requestId.equals(Otlp.attributes(s).get("parley.request_id")));
    }

    private static Span turnSpan(List<Span> spans, String requestId) {
        return spans.stream().filter(s -> s.getName().equals("parley.turn")
                && requestId.equals(Otlp.attributes(s).get("parley.request_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no turn span for " + requestId + " in " + names(spans)));
    }

    private static List<Span> children(List<Span> spans, Span parent) {
        return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .sorted(java.util.Comparator.comparingLong(Span::getStartTimeUnixNano)).toList();
    }

    private static List<String> names(List<Span> spans) {
        return spans.stream().map(s -> s.getName() + "/" + HexFormat.of().formatHex(s.getSpanId().toByteArray())).toList();
    }
}
