package it.dev.parley.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A fake OpenTelemetry collector: an OTLP/HTTP receiver ({@code POST /v1/metrics}, {@code /v1/traces},
 * {@code /v1/logs}) in the test JVM that keeps every request, decoded with the OTLP protobuf classes.
 * Only the resources whose {@code service.name} is {@code serviceName} count (another build's server
 * could export to the same port).
 */
final class FakeCollector implements AutoCloseable {
    private final HttpServer server;
    private final String serviceName;
    private final List<ExportMetricsServiceRequest> metrics = new ArrayList<>();
    private final List<ExportTraceServiceRequest> traces = new ArrayList<>();

    FakeCollector(int port, String serviceName) throws IOException {
        this.serviceName = serviceName;
        server = HttpServer.create(new InetSocketAddress("localhost", port), 50);
        server.createContext("/v1/metrics", exchange -> receive(exchange, body -> {
            synchronized (metrics) {
                metrics.add(ExportMetricsServiceRequest.parseFrom(body));
            }
            return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        }));
        server.createContext("/v1/traces", exchange -> receive(exchange, body -> {
            synchronized (traces) {
                traces.add(ExportTraceServiceRequest.parseFrom(body));
            }
            return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        }));
        server.createContext("/v1/logs", exchange -> receive(exchange, body -> new byte[0]));
        server.start();
    }

    private interface Decoder {
        byte[] decode(byte[] body) throws IOException;
    }

    private static void receive(HttpExchange exchange, Decoder decoder) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
                body = (gzip ? new GZIPInputStream(in) : in).readAllBytes();
            }
            byte[] answer = decoder.decode(body);
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
        }
    }

    /** The metrics of the server under test, newest export last. */
    List<ResourceMetrics> resourceMetrics() {
        synchronized (metrics) {
            return metrics.stream().flatMap(r -> r.getResourceMetricsList().stream())
                    .filter(r -> serviceName.equals(Otlp.serviceName(r.getResource()))).toList();
        }
    }

    /** The latest export of each metric by name (cumulative metrics: it holds everything so far). */
    Map<String, Metric> latestMetrics() {
        Map<String, Metric> latest = new LinkedHashMap<>();
        for (ResourceMetrics resource : resourceMetrics()) {
            for (ScopeMetrics scope : resource.getScopeMetricsList()) {
                for (Metric metric : scope.getMetricsList()) {
                    latest.put(metric.getName(), metric);
                }
            }
        }
        return latest;
    }

    /** Every span of the server under test received so far. */
    List<Span> spans() {
        synchronized (traces) {
            List<Span> spans = new ArrayList<>();
            for (ExportTraceServiceRequest request : traces) {
                for (ResourceSpans resource : request.getResourceSpansList()) {
                    if (serviceName.equals(Otlp.serviceName(resource.getResource()))) {
                        for (ScopeSpans scope : resource.getScopeSpansList()) {
                            spans.addAll(scope.getSpansList());
                        }
                    }
                }
            }
            return spans;
        }
    }

    /** Everything received, as text (to look for what must never be exported). */
    String everythingAsText() {
        StringBuilder text = new StringBuilder();
        synchronized (metrics) {
            metrics.forEach(m -> text.append(m).append('\n'));
        }
        synchronized (traces) {
            traces.forEach(t -> text.append(t).append('\n'));
        }
        return text.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
