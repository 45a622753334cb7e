package dev.parley.telemetry;

import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.CircuitTransition;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryBudget;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.telemetry.GenerationTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Hands every generation and breaker report to each of several observers in turn (the JSON events
 * and the OpenTelemetry metrics and spans). One observer that throws does not keep the report from
 * the others; the first failure is rethrown after all were told. Thread-safe if they are.
 */
public final class TelemetryFanOut implements GenerationTelemetry, BreakerListener {
    private final List<GenerationTelemetry> generation;
    private final List<BreakerListener> breakers;

    public TelemetryFanOut(List<GenerationTelemetry> generation, List<BreakerListener> breakers) {
        this.generation = List.copyOf(Objects.requireNonNull(generation, "generation"));
        this.breakers = List.copyOf(Objects.requireNonNull(breakers, "breakers"));
    }

    @Override
    public void started(String requestId, ChatId chatId) {
        each(generation, t -> t.started(requestId, chatId));
    }

    @Override
    public void attempt(String requestId, AttemptReport report) {
        each(generation, t -> t.attempt(requestId, report));
    }

    @Override
    public void firstDelta(String requestId, ChatId chatId, int attempt, Duration sinceAttemptStart) {
        each(generation, t -> t.firstDelta(requestId, chatId, attempt, sinceAttemptStart));
    }

    @Override
    public void charged(String requestId, long tokens) {
        each(generation, t -> t.charged(requestId, tokens));
    }

    @Override
    public void completed(String requestId, ChatId chatId, ErrorCode failure, RetryMeta meta, boolean replayed) {
        each(generation, t -> t.completed(requestId, chatId, failure, meta, replayed));
    }

    @Override
    public void onTransition(CircuitTransition transition) {
        each(breakers, l -> l.onTransition(transition));
    }

    /** A retry budget listener that tells each of {@code listeners} in turn, as the reports above. */
    public static RetryBudget.Listener budget(List<RetryBudget.Listener> listeners) {
        List<RetryBudget.Listener> copy = List.copyOf(listeners);
        return refusal -> each(copy, l -> l.onRefused(refusal));
    }

    private static <T> void each(List<T> observers, java.util.function.Consumer<T> report) {
        RuntimeException first = null;
        for (T observer : observers) {
            try {
                report.accept(observer);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
