package dev.parley.ai.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.parley.ai.testing.Requests.aRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.parley.ai.testing.RecordedEvents;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider call as OpenTelemetry sees it, against a real HTTP fake of the provider and an
 * in-memory SDK: a client span under the caller's context, its traceparent sent to the provider, the
 * provider's x-request-id and usage recorded, the GenAI metrics, and no key or content anywhere.
 */
class ProviderCallTelemetryTest {
    private static final String KEY = "sk-test-SECRET1234567890abcdefXYZ";
    private static final String SECRET_CONTENT = "my secret plans for tuesday";

    @RegisterExtension
    static WireMockExtension provider = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    @AfterEach
    void close() {
        sdk.close();
    }

    private ChatCompletionsClient client() {
        OpenAiSettings settings = OpenAiSettings.of(Optional.of(provider.baseUrl()), Optional.of(KEY),
                Optional.of("gpt-test-mini"), 12_000, 100);
        return new ChatCompletionsClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), settings,
                Duration.ofSeconds(10), Clock.systemUTC(), new RecordedEvents(), sdk);
    }

    @Test
    void aCallIsAClientSpanUnderTheAttemptWithItsTraceparentSentAndUsageRecorded() throws Exception {
        provider.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"id\":\"chatcmpl-42\",\"model\":\"gpt-test-mini-2025\",\"choices\":[{\"message\":"
                        + "{\"role\":\"assistant\",\"content\":\"Aye!\"}}],"
                        + "\"usage\":{\"prompt_tokens\":57,\"completion_tokens\":9,\"total_tokens\":66}}")
                .withHeader("x-request-id", "req-provider-7")));
        Span attempt = sdk.getTracer("test").spanBuilder("parley.generation.attempt").startSpan();

        client().complete(aRequest().forRequest("req-7").asking(SECRET_CONTENT), Context.root().with(attempt))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        attempt.end();

        SpanData call = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .findFirst().orElseThrow();
        assertThat(call.getName()).isEqualTo("chat gpt-test-mini");
        assertThat(call.getParentSpanId()).isEqualTo(attempt.getSpanContext().getSpanId());
        assertThat(call.getTraceId()).isEqualTo(attempt.getSpanContext().getTraceId());
        Attributes attributes = call.getAttributes();
        assertThat(attributes.get(ProviderCallTelemetry.PROVIDER_REQUEST_ID)).containsExactly("req-provider-7");
        assertThat(attributes.get(ProviderCallTelemetry.INPUT_TOKENS)).isEqualTo(57);
        assertThat(attributes.get(ProviderCallTelemetry.OUTPUT_TOKENS)).isEqualTo(9);
        assertThat(attributes.get(ProviderCallTelemetry.RESPONSE_MODEL)).isEqualTo("gpt-test-mini-2025");
        assertThat(attributes.get(ProviderCallTelemetry.RESPONSE_ID)).isEqualTo("chatcmpl-42");
        assertThat(attributes.get(ProviderCallTelemetry.STATUS)).isEqualTo(200);
        assertThat(attributes.get(ProviderCallTelemetry.SERVER_PORT)).isEqualTo(provider.getPort());
        assertThat(attributes.asMap().values().toString()).doesNotContain(KEY, SECRET_CONTENT);

        String traceparent = "00-" + call.getTraceId() + "-" + call.getSpanId() + "-01";
        provider.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("traceparent", matching(java.util.regex.Pattern.quote(traceparent))));

        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        MetricData usage = metric(data, ProviderCallTelemetry.TOKEN_USAGE);
        assertThat(usage.getUnit()).isEqualTo("{token}");
        assertThat(usage.getHistogramData().getPoints()).hasSize(2).allSatisfy(point -> {
            assertThat(point.getAttributes().get(ProviderCallTelemetry.OPERATION)).isEqualTo("chat");
            assertThat(point.getAttributes().get(ProviderCallTelemetry.SYSTEM)).isEqualTo("openai");
            assertThat(point.getAttributes().get(ProviderCallTelemetry.REQUEST_MODEL)).isEqualTo("gpt-test-mini");
        }).extracting(point -> point.getAttributes().get(ProviderCallTelemetry.TOKEN_TYPE) + "=" + (long) point.getSum())
                .containsExactlyInAnyOrder("input=57", "output=9");
        MetricData duration = metric(data, ProviderCallTelemetry.OPERATION_DURATION);
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getHistogramData().getPoints()).singleElement()
                .satisfies(point -> assertThat(point.getCount()).isEqualTo(1));
    }

    @Test
    void aFailedCallIsAnErrorSpanAndItsDurationCarriesTheErrorTypeButNoTokenUsage() {
        provider.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503)
                .withHeader("x-request-id", "req-provider-8").withBody("{\"error\":{\"message\":\"overloaded\"}}")));

        assertThatThrownBy(() -> client().complete(aRequest().asking("hello"), Context.root())
                .toCompletableFuture().get(10, TimeUnit.SECONDS)).hasMessageContaining("AI provider failed");

        SpanData call = spans.getFinishedSpanItems().get(0);
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(ProviderCallTelemetry.ERROR_TYPE)).isEqualTo("AI_PROVIDER_UNAVAILABLE");
        assertThat(call.getAttributes().get(ProviderCallTelemetry.STATUS)).isEqualTo(503);
        assertThat(call.getAttributes().get(ProviderCallTelemetry.PROVIDER_REQUEST_ID)).containsExactly("req-provider-8");
        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        assertThat(data).noneMatch(m -> m.getName().equals(ProviderCallTelemetry.TOKEN_USAGE));
        HistogramPointData point = metric(data, ProviderCallTelemetry.OPERATION_DURATION).getHistogramData()
                .getPoints().iterator().next();
        assertThat(point.getAttributes().get(ProviderCallTelemetry.ERROR_TYPE)).isEqualTo("AI_PROVIDER_UNAVAILABLE");
    }

    private static MetricData metric(List<MetricData> data, String name) {
        return data.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + data));
    }
}
