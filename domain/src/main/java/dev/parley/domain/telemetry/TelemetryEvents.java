package dev.parley.domain.telemetry;

/**
 * Port: where structured operational events go ({@code debug_fault_injected},
 * {@code chat_generation_attempt}, ...). One implementation writes them all, in one format, with the
 * time and the same salted hash of each chat (see docs/architecture.md); callers only say what
 * happened. Implementations must be quick and must not throw: they are called on request, HTTP
 * client and scheduler threads.
 */
@FunctionalInterface
public interface TelemetryEvents {

    /** Drops every event (code built outside the container, tests that do not look). */
    TelemetryEvents NONE = event -> { };

    void emit(TelemetryEvent event);
}
