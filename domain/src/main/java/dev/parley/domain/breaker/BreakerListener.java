package dev.parley.domain.breaker;

/**
 * Port through which a breaker reports its transitions (telemetry: {@code circuit_state_changed}).
 * Called after the state swap, exactly once per transition, on the thread that caused it; it must be
 * quick and must not call back into the same breaker. If it throws, the exception is handed to the
 * calling thread's uncaught-exception handler and the breaker carries on.
 */
@FunctionalInterface
public interface BreakerListener {

    /** A listener that ignores everything. */
    BreakerListener NONE = transition -> { };

    void onTransition(CircuitTransition transition);
}
