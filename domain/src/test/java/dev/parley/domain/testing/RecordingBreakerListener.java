package dev.parley.domain.testing;

import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.BreakerState;
import dev.parley.domain.breaker.CircuitTransition;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every transition it is told about. Thread-safe. */
public final class RecordingBreakerListener implements BreakerListener {

    private final List<CircuitTransition> transitions = new CopyOnWriteArrayList<>();

    @Override
    public void onTransition(CircuitTransition transition) {
        transitions.add(transition);
    }

    public List<CircuitTransition> transitions() {
        return List.copyOf(transitions);
    }

    /** The transitions as "FROM->TO" strings, in order. */
    public List<String> moves() {
        return transitions.stream().map(t -> t.from().kind() + "->" + t.to().kind()).toList();
    }

    public long count(BreakerState.Kind from, BreakerState.Kind to) {
        return transitions.stream().filter(t -> t.from().kind() == from && t.to().kind() == to).count();
    }
}
