package dev.parley.domain.resilience;

/**
 * Port: told about every attempt of every guarded request (telemetry is attached by adapters).
 * Called on whatever thread completed the attempt; must be quick and must not block. If it throws,
 * the exception goes to that thread's uncaught-exception handler and the request carries on.
 */
@FunctionalInterface
public interface AttemptListener {

    AttemptListener NONE = report -> { };

    void onAttempt(AttemptReport report);
}
