package dev.parley.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.breaker.CircuitTransition;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryMeta;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metrics and spans of turns, attempts and breakers, on an in-memory OpenTelemetry SDK. */
class OpenTelemetryTurnsTest {
    private final ChatId chat = new ChatId(UUID.fromString("3f2a0000-0000-4000-8000-000000000001"));
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
    private final AtomicInteger openBreakers = new AtomicInteger();
    private final OpenTelemetryTurns turns = new OpenTelemetryTurns(sdk, openBreakers::get, "openai");
    private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        elsewhere.shutdownNow();
        sdk.close();
    }

    private AttemptReport failed(int attempt, ErrorCode code, boolean willRetry) {
        return new AttemptReport(chat, attempt, AttemptReport.Outcome.FAILED, code, Duration.ofMillis(40), willRetry,
                willRetry ? Duration.ofMillis(250) : Duration.ZERO, BreakerState.Kind.CLOSED);
    }

    private AttemptReport succeeded(int attempt) {
        return new AttemptReport(chat, attempt, AttemptReport.Outcome.SUCCEEDED, null, Duration.ofMillis(30), false,
                Duration.ZERO, BreakerState.Kind.CLOSED);
    }

    /** An attempt as the executor runs it: begun (on another thread) inside the attempt's context, then reported. */
    private void attempt(String requestId, AttemptReport report) throws Exception {
        TracedReplyGenerator generator = new TracedReplyGenerator(request -> {
            assertThat(Span.current().getSpanContext().isValid()).as("the attempt span is current").isTrue();
            return CompletableFuture.completedFuture(new GeneratedReply("ok", "m"));
        }, turns);
        elsewhere.submit(() -> generator.generate(request(requestId))).get(5, TimeUnit.SECONDS);
        elsewhere.submit(() -> turns.attempt(requestId, report)).get(5, TimeUnit.SECONDS);
    }

    private GenerationRequest request(String requestId) {
        Persona persona = new Persona(new PersonaId(UUID.randomUUID()), "Mira", "a captain", "You are Mira.");
        Message question = Message.userMessage(new MessageId(UUID.randomUUID()), chat, "hello", Optional.empty(),
                Instant.parse("2026-01-01T00:00:00Z"));
        return new GenerationRequest(chat, persona, List.of(), question, Optional.of(requestId));
    }

    @Test
    void aTurnWithARetryIsASpanUnderTheCallersSpanWithAnAttemptChildEachAndTheBackoffAsAnEvent() throws Exception {
        Span server = sdk.getTracer("test").spanBuilder("POST /api/chats/{chatId}/messages").startSpan();
        try (Scope ignored = server.makeCurrent()) {
            turns.started("req-1", chat);
        }
        assertThat(turns.traceId("req-1")).contains(server.getSpanContext().getTraceId());

        attempt("req-1", failed(1, ErrorCode.AI_PROVIDER_UNAVAILABLE, true));
        attempt("req-1", succeeded(2));
        turns.charged("req-1", 1);
        elsewhere.submit(() -> turns.completed("req-1", chat, null,
                new RetryMeta(2, List.of(250L), 400, BreakerState.Kind.CLOSED), false)).get(5, TimeUnit.SECONDS);
        server.end();

        SpanData turn = span("parley.turn");
        assertThat(turn.getParentSpanId()).isEqualTo(server.getSpanContext().getSpanId());
        assertThat(turn.getAttributes().get(OpenTelemetryTurns.REQUEST_ID)).isEqualTo("req-1");
        assertThat(turn.getAttributes().get(OpenTelemetryTurns.OUTCOME)).isEqualTo("completed");
        assertThat(turn.getAttributes().get(OpenTelemetryTurns.ATTEMPTS_MADE)).isEqualTo(2);
        assertThat(turn.getEvents()).singleElement().satisfies(event -> {
            assertThat(event.getName()).isEqualTo("backoff");
            assertThat(event.getAttributes().get(OpenTelemetryTurns.BACKOFF_MS)).isEqualTo(250);
        });
        List<SpanData> attempts = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("parley.generation.attempt")).toList();
        assertThat(attempts).hasSize(2).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(turn.getSpanId()));
        assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attempts.get(0).getAttributes().get(OpenTelemetryTurns.ERROR_TYPE)).isEqualTo("AI_PROVIDER_UNAVAILABLE");
        assertThat(attempts.get(1).getAttributes().get(OpenTelemetryTurns.OUTCOME)).isEqualTo("succeeded");
        assertThat(turns.openTurns()).isZero();

        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        assertThat(sum(data, OpenTelemetryTurns.TURNS, Attributes.of(OpenTelemetryTurns.OUTCOME, "completed"))).isEqualTo(1);
        assertThat(sum(data, OpenTelemetryTurns.ATTEMPTS, Attributes.of(OpenTelemetryTurns.OUTCOME, "failed",
                OpenTelemetryTurns.ERROR_TYPE, "AI_PROVIDER_UNAVAILABLE"))).isEqualTo(1);
        assertThat(sum(data, OpenTelemetryTurns.TOKENS_CHARGED, Attributes.empty())).isEqualTo(1);
        assertThat(histogramCount(data, OpenTelemetryTurns.TURN_DURATION)).isEqualTo(1);
        assertThat(histogramCount(data, OpenTelemetryTurns.ATTEMPT_DURATION)).isEqualTo(2);
        assertThat(histogramCount(data, OpenTelemetryTurns.RETRY_BACKOFF)).isEqualTo(1);
    }

    @Test
    void aFailedTurnCarriesItsErrorCodeAndARefusedAttemptIsAZeroLengthSpan() throws Exception {
        turns.started("req-2", chat);
        turns.attempt("req-2", new AttemptReport(chat, 1, AttemptReport.Outcome.REJECTED, ErrorCode.CIRCUIT_OPEN,
                Duration.ZERO, false, Duration.ZERO, BreakerState.Kind.OPEN));
        turns.completed("req-2", chat, ErrorCode.CIRCUIT_OPEN, RetryMeta.noAttempt(BreakerState.Kind.OPEN), false);

        SpanData turn = span("parley.turn");
        assertThat(turn.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(turn.getStatus().getDescription()).isEqualTo("CIRCUIT_OPEN");
        assertThat(turn.getAttributes().get(OpenTelemetryTurns.ERROR_TYPE)).isEqualTo("CIRCUIT_OPEN");
        SpanData refused = span("parley.generation.attempt");
        assertThat(refused.getParentSpanId()).isEqualTo(turn.getSpanId());
        assertThat(refused.getAttributes().get(OpenTelemetryTurns.OUTCOME)).isEqualTo("rejected");
        assertThat(refused.getAttributes().get(OpenTelemetryTurns.BREAKER_STATE)).isEqualTo("open");
        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        assertThat(sum(data, OpenTelemetryTurns.TURNS, Attributes.of(OpenTelemetryTurns.OUTCOME, "failed",
                OpenTelemetryTurns.ERROR_TYPE, "CIRCUIT_OPEN"))).isEqualTo(1);
        assertThat(histogramCount(data, OpenTelemetryTurns.ATTEMPT_DURATION)).as("a refusal took no time").isZero();
    }

    @Test
    void aReplayIsCountedAndTracedWithoutAStart() {
        turns.completed("req-3", chat, null, null, true);

        assertThat(span("parley.turn").getAttributes().get(OpenTelemetryTurns.OUTCOME)).isEqualTo("replayed");
        assertThat(sum(List.copyOf(metrics.collectAllMetrics()), OpenTelemetryTurns.TURNS,
                Attributes.of(OpenTelemetryTurns.OUTCOME, "replayed"))).isEqualTo(1);
    }

    @Test
    void aStreamedAttemptIsStartedInsideItsAttemptSpanAndItsDeltasPassThrough() throws Exception {
        turns.started("req-5", chat);
        List<String> deltas = new CopyOnWriteArrayList<>();
        ReplyGenerator provider = new ReplyGenerator() {
            @Override
            public CompletionStage<GeneratedReply> generate(GenerationRequest request) {
                throw new AssertionError("a streamed attempt must not be generated whole");
            }

            @Override
            public CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas to) {
                sdk.getTracer("test").spanBuilder("chat m").startSpan().end(); // the provider's HTTP client span
                to.delta("Hel");
                to.delta("lo");
                return CompletableFuture.completedFuture(new GeneratedReply("Hello", "m"));
            }
        };
        TracedReplyGenerator generator = new TracedReplyGenerator(provider, turns);

        GeneratedReply reply = elsewhere.submit(() -> generator.stream(request("req-5"), deltas::add))
                .get(5, TimeUnit.SECONDS).toCompletableFuture().join();
        turns.attempt("req-5", succeeded(1));
        turns.completed("req-5", chat, null, new RetryMeta(1, List.of(), 30, BreakerState.Kind.CLOSED), false);

        assertThat(reply.content()).isEqualTo("Hello");
        assertThat(deltas).containsExactly("Hel", "lo");
        SpanData attempt = span("parley.generation.attempt");
        assertThat(attempt.getParentSpanId()).isEqualTo(span("parley.turn").getSpanId());
        assertThat(span("chat m").getParentSpanId()).as("the provider's span nests under the attempt")
                .isEqualTo(attempt.getSpanId());
    }

    @Test
    void aFirstDeltaIsTimedAsTheGenAiTimeToFirstChunkAndAnEventOnItsAttemptSpan() {
        TelemetryFanOut telemetry = new TelemetryFanOut(List.of(turns), List.of());
        telemetry.started("req-6", chat);
        turns.attemptContext(Optional.of("req-6"));
        telemetry.firstDelta("req-6", chat, 1, Duration.ofMillis(250));
        telemetry.attempt("req-6", succeeded(1));

        MetricData timeToFirstChunk = metric(List.copyOf(metrics.collectAllMetrics()),
                OpenTelemetryTurns.TIME_TO_FIRST_CHUNK);
        assertThat(timeToFirstChunk.getUnit()).isEqualTo("s");
        assertThat(timeToFirstChunk.getHistogramData().getPoints()).singleElement().satisfies(point -> {
            assertThat(point.getCount()).isEqualTo(1);
            assertThat(point.getSum()).isEqualTo(0.25);
            assertThat(point.getAttributes()).isEqualTo(Attributes.of(OpenTelemetryTurns.GEN_AI_OPERATION, "chat",
                    OpenTelemetryTurns.GEN_AI_SYSTEM, "openai"));
            assertThat(point.getBoundaries()).startsWith(0.01, 0.02, 0.04).endsWith(81.92);
        });
        assertThat(span("parley.generation.attempt").getEvents()).singleElement().satisfies(event -> {
            assertThat(event.getName()).isEqualTo("first_delta");
            assertThat(event.getAttributes().get(OpenTelemetryTurns.TIME_TO_FIRST_DELTA_MS)).isEqualTo(250);
        });
    }

    @Test
    void breakerTransitionsAreCountedByStateAndTheOpenGaugeIsOneSeries() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        BreakerState open = new BreakerState.Open(now, now.plusSeconds(30));
        turns.onTransition(new CircuitTransition(chat, BreakerState.Closed.HEALTHY, open, now));
        openBreakers.set(3);

        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        assertThat(sum(data, OpenTelemetryTurns.BREAKER_TRANSITIONS,
                Attributes.of(OpenTelemetryTurns.FROM, "closed", OpenTelemetryTurns.TO, "open"))).isEqualTo(1);
        MetricData gauge = metric(data, OpenTelemetryTurns.BREAKER_OPEN);
        assertThat(gauge.getLongGaugeData().getPoints()).singleElement().satisfies(point -> {
            assertThat(point.getValue()).isEqualTo(3);
            assertThat(point.getAttributes().isEmpty()).isTrue();
        });
        String everything = data.toString();
        assertThat(everything).doesNotContain(chat.value().toString());
    }

    @Test
    void everyRetryTheBudgetRefusedIsCountedAndTheFirstOfAnExhaustionIsMarked() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        turns.onRefused(new RetryBudget.Refusal(now, 10, 5, 5, Duration.ofSeconds(2), true));
        turns.onRefused(new RetryBudget.Refusal(now, 10, 5, 5, Duration.ofSeconds(2), false));
        turns.onRefused(new RetryBudget.Refusal(now, 11, 5, 5, Duration.ofSeconds(2), false));

        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        assertThat(sum(data, OpenTelemetryTurns.RETRY_BUDGET_REFUSED,
                Attributes.of(OpenTelemetryTurns.NEWLY_EXHAUSTED, true))).isEqualTo(1);
        assertThat(sum(data, OpenTelemetryTurns.RETRY_BUDGET_REFUSED,
                Attributes.of(OpenTelemetryTurns.NEWLY_EXHAUSTED, false))).isEqualTo(2);
    }

    @Test
    void withoutTheSdkNothingIsTracedAndEventsGetNoTraceId() {
        OpenTelemetryTurns off = new OpenTelemetryTurns(io.opentelemetry.api.OpenTelemetry.noop(), () -> 0, "local");
        off.started("req-4", chat);
        assertThat(off.traceId("req-4")).isEmpty();
        assertThat(off.attemptContext(Optional.of("req-4"))).isNotNull();
        off.completed("req-4", chat, null, null, false);
        assertThat(off.openTurns()).isZero();
    }

    private SpanData span(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.getFinishedSpanItems()));
    }

    private static MetricData metric(List<MetricData> data, String name) {
        return data.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + data));
    }

    private static long sum(List<MetricData> data, String name, Attributes attributes) {
        return metric(data, name).getLongSumData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attributes)).mapToLong(p -> p.getValue()).sum();
    }

    private static long histogramCount(List<MetricData> data, String name) {
        return data.stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getHistogramData().getPoints().stream()).mapToLong(p -> p.getCount()).sum();
    }
}
