package it.dev.parley.telemetry;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reading decoded OTLP: attributes, data points, and the names Prometheus gives OTLP metrics. */
final class Otlp {
    private Otlp() {
    }

    static String serviceName(Resource resource) {
        return attributes(resource.getAttributesList()).get("service.name");
    }

    /** Attributes as text (arrays joined with commas). */
    static Map<String, String> attributes(List<KeyValue> attributes) {
        Map<String, String> map = new LinkedHashMap<>();
        for (KeyValue kv : attributes) {
            map.put(kv.getKey(), text(kv.getValue()));
        }
        return map;
    }

    static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case ARRAY_VALUE -> String.join(",", value.getArrayValue().getValuesList().stream().map(Otlp::text).toList());
            default -> value.toString();
        };
    }

    static Map<String, String> attributes(Span span) {
        return attributes(span.getAttributesList());
    }

    /** The attribute sets of every data point of the metric. */
    static List<Map<String, String>> pointAttributes(Metric metric) {
        return switch (metric.getDataCase()) {
            case SUM -> metric.getSum().getDataPointsList().stream().map(p -> attributes(p.getAttributesList())).toList();
            case GAUGE -> metric.getGauge().getDataPointsList().stream().map(p -> attributes(p.getAttributesList())).toList();
            case HISTOGRAM -> metric.getHistogram().getDataPointsList().stream()
                    .map(p -> attributes(p.getAttributesList())).toList();
            default -> List.of();
        };
    }

    /** The value of a counter's data point with exactly these attributes (0 when there is none). */
    static long count(Metric metric, Map<String, String> attributes) {
        if (metric == null) {
            return 0;
        }
        return metric.getSum().getDataPointsList().stream()
                .filter(p -> attributes(p.getAttributesList()).equals(attributes))
                .mapToLong(NumberDataPoint::getAsInt).sum();
    }

    /** The sum over all data points of a counter. */
    static long total(Metric metric) {
        return metric == null ? 0 : metric.getSum().getDataPointsList().stream().mapToLong(NumberDataPoint::getAsInt).sum();
    }

    /** How many values a histogram's data points with these attributes hold. */
    static long histogramCount(Metric metric, Map<String, String> attributes) {
        if (metric == null) {
            return 0;
        }
        return metric.getHistogram().getDataPointsList().stream()
                .filter(p -> attributes(p.getAttributesList()).equals(attributes))
                .mapToLong(p -> p.getCount()).sum();
    }

    /** The latest value of a gauge (its one data point). */
    static Optional<Long> gauge(Metric metric) {
        if (metric == null || metric.getGauge().getDataPointsCount() == 0) {
            return Optional.empty();
        }
        return Optional.of(metric.getGauge().getDataPoints(metric.getGauge().getDataPointsCount() - 1).getAsInt());
    }

    /**
     * The names a Prometheus-compatible backend gives the series of an OTLP metric (the OpenTelemetry
     * collector's Prometheus exporter, or Prometheus' own OTLP receiver): dots become underscores, a
     * unit adds its suffix ({@code s}: {@code _seconds}; annotations in braces add none), a monotonic
     * sum ends in {@code _total}, a histogram has {@code _bucket}, {@code _count} and {@code _sum}.
     */
    static Set<String> prometheusNames(Metric metric) {
        String base = metric.getName().replaceAll("[^a-zA-Z0-9_:]", "_");
        String unit = metric.getUnit().replaceAll("\\{[^}]*}", "");
        String suffix = switch (unit) {
            case "s" -> "seconds";
            case "ms" -> "milliseconds";
            case "By" -> "bytes";
            case "1", "" -> "";
            default -> unit.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        };
        if (!suffix.isEmpty() && !base.endsWith("_" + suffix)) {
            base = base + "_" + suffix;
        }
        Set<String> names = new TreeSet<>();
        switch (metric.getDataCase()) {
            case SUM -> names.add(metric.getSum().getIsMonotonic() && !base.endsWith("_total") ? base + "_total" : base);
            case HISTOGRAM -> {
                names.add(base + "_bucket");
                names.add(base + "_count");
                names.add(base + "_sum");
            }
            default -> names.add(base);
        }
        return names;
    }
}
