package dev.parley.ai.testing;

import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** The telemetry port as a test sees it: every event emitted, in order. Thread-safe. */
public final class RecordedEvents implements TelemetryEvents {
    private final List<TelemetryEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void emit(TelemetryEvent event) {
        events.add(event);
    }

    /** The events called {@code name}, in order. */
    public List<TelemetryEvent> named(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** Every event as text (chat ids left out), one per line: what could reach a log. */
    public String text() {
        return events.stream().map(TelemetryEvent::toString).collect(Collectors.joining("\n"));
    }
}
