package dev.parley.telemetry;

import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.CircuitTransition;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.telemetry.GenerationTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * What the send-a-message use case and the chats' breakers report, as OpenTelemetry metrics and
 * spans (docs/architecture.md#telemetry). It observes the same reports as {@link GenerationEvents}
 * and, like it, never sees message content; no attribute carries a chat id, a user id or a request
 * body. Metric attributes are low-cardinality only ({@code outcome}, {@code error.type}, breaker
 * states); the request id is a span attribute.
 *
 * <p>Spans: {@code parley.turn} is started by {@link #started} on the request's thread, as a child
 * of whatever span is current there (Liberty's HTTP server span), and kept by request id: the
 * request thread is released while the reply is generated, so every later report finds the turn's
 * {@link Context} here instead of in a thread-local. Each attempt is a child {@code
 * parley.generation.attempt} span, started by {@link #attemptContext} when the attempt begins (so
 * the provider's HTTP client span nests under it) and ended by the attempt's report; an attempt the
 * breaker refused is a zero-length span. A backoff wait is a {@code backoff} event on the turn span;
 * a streamed attempt's first delta is a {@code first_delta} event on its attempt span.
 *
 * <p>A streamed attempt's time to its first delta is also {@value #TIME_TO_FIRST_CHUNK}, the GenAI
 * semantic conventions' client-side metric (not {@code gen_ai.server.time_to_first_token}: that one is
 * for model servers timing their own generation; Parley times the provider from the outside), with
 * their required {@code gen_ai.operation.name} and, as the provider adapter's {@code gen_ai.*}
 * metrics spell it, {@code gen_ai.system}.
 *
 * <p>With Liberty's {@code otel.sdk.disabled=true} (the default) the {@link OpenTelemetry} is a
 * no-op and all of this costs a few map operations per turn. Thread-safe.
 */
public final class OpenTelemetryTurns implements GenerationTelemetry, BreakerListener, RetryBudget.Listener {
    /** The instrumentation scope of Parley's own metrics and spans. */
    public static final String SCOPE = "dev.parley";

    public static final String TURNS = "parley.turns";
    public static final String TURN_DURATION = "parley.turn.duration";
    public static final String ATTEMPTS = "parley.generation.attempts";
    public static final String ATTEMPT_DURATION = "parley.generation.duration";
    public static final String BREAKER_TRANSITIONS = "parley.breaker.transitions";
    public static final String BREAKER_OPEN = "parley.breaker.open";
    public static final String TOKENS_CHARGED = "parley.tokens.charged";
    public static final String RETRY_BACKOFF = "parley.retry.backoff";
    public static final String RETRY_BUDGET_REFUSED = "parley.retry.budget.refused";
    public static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

    public static final String TURN_SPAN = "parley.turn";
    public static final String ATTEMPT_SPAN = "parley.generation.attempt";
    public static final String BACKOFF_EVENT = "backoff";
    public static final String FIRST_DELTA_EVENT = "first_delta";

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> FROM = AttributeKey.stringKey("from");
    static final AttributeKey<String> TO = AttributeKey.stringKey("to");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("parley.request_id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("parley.attempt");
    static final AttributeKey<Long> ATTEMPTS_MADE = AttributeKey.longKey("parley.attempts");
    static final AttributeKey<Long> RETRIES = AttributeKey.longKey("parley.retries");
    static final AttributeKey<String> BREAKER_STATE = AttributeKey.stringKey("parley.breaker.state");
    static final AttributeKey<Boolean> WILL_RETRY = AttributeKey.booleanKey("parley.will_retry");
    static final AttributeKey<Long> BACKOFF_MS = AttributeKey.longKey("parley.backoff_ms");
    static final AttributeKey<Boolean> NEWLY_EXHAUSTED = AttributeKey.booleanKey("newly_exhausted");
    static final AttributeKey<Long> TIME_TO_FIRST_DELTA_MS = AttributeKey.longKey("parley.time_to_first_delta_ms");
    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");

    /** Seconds: from a quick local reply to a whole retry budget. */
    private static final List<Double> SECONDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            10.0, 20.0, 30.0, 60.0);
    /** The GenAI conventions' bucket advice for {@value #TIME_TO_FIRST_CHUNK}: 10 ms doubling to 82 s. */
    private static final List<Double> GEN_AI_SECONDS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
            2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    /** Turns kept for their spans at most (a request that never reports its end cannot grow the map for ever). */
    private static final int MAX_OPEN_TURNS = 10_000;

    private final Tracer tracer;
    private final LongCounter turns;
    private final DoubleHistogram turnDuration;
    private final LongCounter attempts;
    private final DoubleHistogram attemptDuration;
    private final LongCounter transitions;
    private final LongCounter tokensCharged;
    private final DoubleHistogram retryBackoff;
    private final LongCounter budgetRefused;
    private final DoubleHistogram timeToFirstChunk;
    private final Attributes genAi;
    private final ConcurrentHashMap<String, OpenTurn> open = new ConcurrentHashMap<>();

    /**
     * @param openTelemetry Liberty's (a no-op while the SDK is disabled)
     * @param openBreakers  how many chats' breakers are open now (read at each metric export)
     * @param provider      the AI provider, as {@code gen_ai.system} names it ({@code openai}, or Parley's
     *                      own {@code local})
     */
    public OpenTelemetryTurns(OpenTelemetry openTelemetry, IntSupplier openBreakers, String provider) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        Objects.requireNonNull(openBreakers, "openBreakers");
        Objects.requireNonNull(provider, "provider");
        this.tracer = openTelemetry.getTracer(SCOPE);
        Meter meter = openTelemetry.getMeter(SCOPE);
        turns = meter.counterBuilder(TURNS).setUnit("{turn}")
                .setDescription("Turns ended, by outcome (completed, failed, replayed) and error code").build();
        turnDuration = seconds(meter, TURN_DURATION, "A whole turn, from admission to its end, backoff included");
        attempts = meter.counterBuilder(ATTEMPTS).setUnit("{attempt}")
                .setDescription("Generation attempts, by outcome (succeeded, failed, rejected) and error code").build();
        attemptDuration = seconds(meter, ATTEMPT_DURATION, "One generation attempt");
        transitions = meter.counterBuilder(BREAKER_TRANSITIONS).setUnit("{transition}")
                .setDescription("Per-chat circuit breaker transitions, by from and to state").build();
        meter.gaugeBuilder(BREAKER_OPEN).ofLongs().setUnit("{chat}")
                .setDescription("Chats whose circuit breaker is open now")
                .buildWithCallback(gauge -> gauge.record(openBreakers.getAsInt()));
        tokensCharged = meter.counterBuilder(TOKENS_CHARGED).setUnit("{token}")
                .setDescription("Tokens charged for replies").build();
        retryBackoff = seconds(meter, RETRY_BACKOFF, "The wait chosen before a retry");
        budgetRefused = meter.counterBuilder(RETRY_BUDGET_REFUSED).setUnit("{retry}")
                .setDescription("Retries the provider-wide retry budget refused (the turn failed at once instead);"
                        + " newly_exhausted=true marks the first refusal after a granted retry").build();
        timeToFirstChunk = meter.histogramBuilder(TIME_TO_FIRST_CHUNK).setUnit("s")
                .setDescription("A streamed attempt, from its start to its first piece of reply")
                .setExplicitBucketBoundariesAdvice(GEN_AI_SECONDS).build();
        genAi = Attributes.of(GEN_AI_OPERATION, "chat", GEN_AI_SYSTEM, provider);
    }

    private static DoubleHistogram seconds(Meter meter, String name, String description) {
        return meter.histogramBuilder(name).setUnit("s").setDescription(description)
                .setExplicitBucketBoundariesAdvice(SECONDS).build();
    }

    @Override
    public void started(String requestId, ChatId chatId) {
        if (requestId == null || open.size() >= MAX_OPEN_TURNS) {
            return;
        }
        Context caller = Context.current();
        Span span = tracer.spanBuilder(TURN_SPAN).setParent(caller).setAttribute(REQUEST_ID, requestId).startSpan();
        OpenTurn previous = open.put(requestId, new OpenTurn(caller.with(span), span, System.nanoTime()));
        if (previous != null) {
            previous.end(); // a request id reused while its turn was still open: end the older span
        }
    }

    /**
     * The context an attempt of this request runs in: its turn's, with a new attempt span current.
     * Called when the attempt begins, on whichever thread starts it. A request without an open turn
     * gets the caller's context.
     */
    public Context attemptContext(Optional<String> requestId) {
        OpenTurn turn = requestId.map(open::get).orElse(null);
        if (turn == null) {
            return Context.current();
        }
        Span attempt = turn.startAttempt(tracer);
        return turn.context().with(attempt);
    }

    @Override
    public void attempt(String requestId, AttemptReport report) {
        Attributes attributes = outcome(report.outcome().name().toLowerCase(Locale.ROOT), report.code());
        attempts.add(1, attributes);
        if (report.outcome() != AttemptReport.Outcome.REJECTED) {
            attemptDuration.record(toSeconds(report.latency()), attributes);
        }
        if (report.willRetry()) {
            retryBackoff.record(toSeconds(report.backoff()));
        }
        OpenTurn turn = openTurn(requestId);
        if (turn != null) {
            turn.endAttempt(tracer, report);
        }
    }

    @Override
    public void firstDelta(String requestId, ChatId chatId, int attempt, Duration sinceAttemptStart) {
        timeToFirstChunk.record(toSeconds(sinceAttemptStart), genAi);
        OpenTurn turn = openTurn(requestId);
        if (turn != null) {
            turn.firstDelta(sinceAttemptStart);
        }
    }

    @Override
    public void charged(String requestId, long tokens) {
        if (tokens > 0) {
            tokensCharged.add(tokens);
        }
    }

    @Override
    public void completed(String requestId, ChatId chatId, ErrorCode failure, RetryMeta meta, boolean replayed) {
        Attributes attributes = outcome(replayed ? "replayed" : failure == null ? "completed" : "failed", failure);
        turns.add(1, attributes);
        OpenTurn turn = requestId == null ? null : open.remove(requestId);
        Span span;
        if (turn != null) {
            turnDuration.record((System.nanoTime() - turn.startNanos()) / 1e9, attributes);
            turn.endOpenAttempt();
            span = turn.span();
        } else {
            // a replay (or a turn whose start was not tracked): a span for the request all the same
            span = tracer.spanBuilder(TURN_SPAN).setParent(Context.current()).startSpan();
            if (requestId != null) {
                span.setAttribute(REQUEST_ID, requestId);
            }
        }
        span.setAllAttributes(attributes);
        if (meta != null) {
            span.setAttribute(ATTEMPTS_MADE, meta.attempts()).setAttribute(RETRIES, meta.retries());
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.name());
        }
        span.end();
    }

    @Override
    public void onRefused(RetryBudget.Refusal refusal) {
        budgetRefused.add(1, Attributes.of(NEWLY_EXHAUSTED, refusal.newlyExhausted()));
    }

    @Override
    public void onTransition(CircuitTransition transition) {
        transitions.add(1, Attributes.of(FROM, kind(transition.from().kind()), TO, kind(transition.to().kind())));
    }

    /**
     * The trace id of the request's open turn, else of the current span; empty when neither is
     * sampled (always so while the SDK is disabled).
     */
    public Optional<String> traceId(String requestId) {
        OpenTurn turn = openTurn(requestId);
        SpanContext context = turn != null ? turn.span().getSpanContext() : Span.current().getSpanContext();
        return context.isValid() ? Optional.of(context.getTraceId()) : Optional.empty();
    }

    private OpenTurn openTurn(String requestId) {
        return requestId == null ? null : open.get(requestId);
    }

    /** Turns started and not yet ended (for tests). */
    int openTurns() {
        return open.size();
    }

    private static Attributes outcome(String outcome, ErrorCode code) {
        AttributesBuilder builder = Attributes.builder().put(OUTCOME, outcome);
        if (code != null) {
            builder.put(ERROR_TYPE, code.name());
        }
        return builder.build();
    }

    private static String kind(Enum<?> kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static double toSeconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** A turn whose span is open: attempts of one request come one after another. */
    private static final class OpenTurn {
        private final Span span;
        private final Context context;
        private final long startNanos;
        private Span attempt;
        private long attemptsStarted;

        OpenTurn(Context context, Span span, long startNanos) {
            this.span = span;
            this.context = context;
            this.startNanos = startNanos;
        }

        Span span() {
            return span;
        }

        Context context() {
            return context;
        }

        long startNanos() {
            return startNanos;
        }

        synchronized Span startAttempt(Tracer tracer) {
            if (attempt != null) {
                attempt.end(); // its report never came
            }
            attempt = tracer.spanBuilder(ATTEMPT_SPAN).setParent(context)
                    .setAttribute(ATTEMPT, ++attemptsStarted).startSpan();
            return attempt;
        }

        synchronized void endAttempt(Tracer tracer, AttemptReport report) {
            Span ended = attempt;
            attempt = null;
            if (ended == null || report.outcome() == AttemptReport.Outcome.REJECTED) {
                if (ended != null) {
                    ended.end();
                }
                // refused by the breaker: no attempt began
                ended = tracer.spanBuilder(ATTEMPT_SPAN).setParent(context).startSpan();
            }
            ended.setAttribute(ATTEMPT, report.attempt())
                    .setAttribute(OUTCOME, report.outcome().name().toLowerCase(Locale.ROOT))
                    .setAttribute(BREAKER_STATE, kind(report.breakerState()))
                    .setAttribute(WILL_RETRY, report.willRetry());
            if (report.code() != null) {
                ended.setAttribute(ERROR_TYPE, report.code().name()).setStatus(StatusCode.ERROR, report.code().name());
            }
            ended.end();
            if (report.willRetry()) {
                span.addEvent(BACKOFF_EVENT, Attributes.of(ATTEMPT, (long) report.attempt(),
                        BACKOFF_MS, report.backoff().toMillis()));
            }
        }

        synchronized void firstDelta(Duration sinceAttemptStart) {
            if (attempt != null) {
                attempt.addEvent(FIRST_DELTA_EVENT,
                        Attributes.of(TIME_TO_FIRST_DELTA_MS, sinceAttemptStart.toMillis()));
            }
        }

        synchronized void endOpenAttempt() {
            if (attempt != null) {
                attempt.end();
                attempt = null;
            }
        }

        synchronized void end() {
            endOpenAttempt();
            span.end();
        }
    }
}
