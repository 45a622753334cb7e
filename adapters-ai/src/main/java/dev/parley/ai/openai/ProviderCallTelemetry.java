package dev.parley.ai.openai;

import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The OpenTelemetry view of one call to the OpenAI-compatible provider, after the GenAI and HTTP
 * semantic conventions: a {@link SpanKind#CLIENT} span {@code chat {model}} (a child of the
 * attempt's context, carried in explicitly because the call runs on fault-tolerance and HTTP client
 * threads), the {@code traceparent} header injected into the request, the provider's
 * {@code x-request-id} and {@code usage} recorded, and the metrics {@value #TOKEN_USAGE} (by
 * {@code gen_ai.token.type}) and {@value #OPERATION_DURATION}.
 *
 * <p>Never recorded: the prompt, the reply, the key (it is only ever the {@code Authorization}
 * header), the URL's path or query. Attributes name the model, the server's host and port and the
 * HTTP status. With the SDK disabled every call here is a no-op. Thread-safe.
 */
final class ProviderCallTelemetry {
    static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    static final String OPERATION_DURATION = "gen_ai.client.operation.duration";

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<List<String>> PROVIDER_REQUEST_ID =
            AttributeKey.stringArrayKey("http.response.header.x-request-id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static final String CHAT = "chat";
    private static final String OPENAI = "openai";

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final LongHistogram tokenUsage;
    private final DoubleHistogram duration;
    private final String model;
    private final long maxTokens;
    private final String host;
    private final long port;

    ProviderCallTelemetry(OpenTelemetry openTelemetry, OpenAiSettings settings) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        this.tracer = openTelemetry.getTracer("dev.parley.ai");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        Meter meter = openTelemetry.getMeter("dev.parley.ai");
        this.tokenUsage = meter.histogramBuilder(TOKEN_USAGE).ofLongs().setUnit("{token}")
                .setDescription("Tokens used by the provider, per call, by gen_ai.token.type (input, output)")
                .setExplicitBucketBoundariesAdvice(List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L,
                        262144L, 1048576L))
                .build();
        this.duration = meter.histogramBuilder(OPERATION_DURATION).setUnit("s")
                .setDescription("One call to the provider, from request to parsed answer")
                .setExplicitBucketBoundariesAdvice(List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
                        10.24, 20.48, 40.96, 81.92))
                .build();
        this.model = settings.model();
        this.maxTokens = settings.maxTokens();
        URI uri = settings.chatCompletionsUri();
        this.host = uri.getHost() == null ? "" : uri.getHost();
        this.port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Starts the call's span under {@code parent} and writes its {@code traceparent} into the request. */
    Call start(Context parent, HttpRequest.Builder request) {
        Span span = tracer.spanBuilder(CHAT + " " + model).setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAttribute(OPERATION, CHAT).setAttribute(SYSTEM, OPENAI)
                .setAttribute(REQUEST_MODEL, model).setAttribute(MAX_TOKENS, maxTokens)
                .setAttribute(METHOD, "POST")
                .setAttribute(SERVER_ADDRESS, host).setAttribute(SERVER_PORT, port)
                .startSpan();
        propagator.inject(parent.with(span), request, (builder, key, value) -> builder.header(key, value));
        return new Call(span, System.nanoTime());
    }

    /** One call in flight. */
    final class Call {
        private final Span span;
        private final long startNanos;

        private Call(Span span, long startNanos) {
            this.span = span;
            this.startNanos = startNanos;
        }

        /**
         * The call ended: {@code headers} (and {@code status}) are {@code null} (0) when no response came;
         * {@code reply} when it succeeded, with the tokens its response reported ({@code usage}), else
         * {@code failure}.
         */
        void end(HttpHeaders headers, int status, Usage usage, GeneratedReply reply, ParleyException failure) {
            AttributesBuilder metric = Attributes.builder().put(OPERATION, CHAT).put(SYSTEM, OPENAI)
                    .put(REQUEST_MODEL, model).put(SERVER_ADDRESS, host).put(SERVER_PORT, port);
            if (headers != null) {
                span.setAttribute(STATUS, (long) status);
                headers.firstValue("x-request-id")
                        .ifPresent(id -> span.setAttribute(PROVIDER_REQUEST_ID, List.of(id)));
            }
            if (reply != null) {
                metric.put(RESPONSE_MODEL, reply.model());
                span.setAttribute(RESPONSE_MODEL, reply.model());
                usage.id().ifPresent(id -> span.setAttribute(RESPONSE_ID, id));
                Attributes base = metric.build();
                usage.input().ifPresent(tokens -> {
                    span.setAttribute(INPUT_TOKENS, tokens);
                    tokenUsage.record(tokens, base.toBuilder().put(TOKEN_TYPE, "input").build());
                });
                usage.output().ifPresent(tokens -> {
                    span.setAttribute(OUTPUT_TOKENS, tokens);
                    tokenUsage.record(tokens, base.toBuilder().put(TOKEN_TYPE, "output").build());
                });
            } else {
                String type = failure == null ? "_OTHER" : failure.code().name();
                metric.put(ERROR_TYPE, type);
                span.setAttribute(ERROR_TYPE, type).setStatus(StatusCode.ERROR, type);
            }
            duration.record((System.nanoTime() - startNanos) / 1e9, metric.build());
            span.end();
        }
    }

    /** The {@code id} and {@code usage} of a chat-completions answer, as far as it has them. */
    record Usage(Optional<String> id, OptionalLong input, OptionalLong output) {
        static final Usage NONE = new Usage(Optional.empty(), OptionalLong.empty(), OptionalLong.empty());

        static Usage of(String body) {
            return ChatCompletionsResponses.usage(body).orElse(NONE);
        }
    }
}
