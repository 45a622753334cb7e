package dev.parley.telemetry;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs each generation attempt, whole or streamed, inside its attempt span
 * ({@link OpenTelemetryTurns#attemptContext}): the span is current while the provider adapter starts
 * the attempt, so the adapter's HTTP client span becomes its child and carries the turn's trace to
 * the provider. The attempt thread may be the request's or a scheduler's; the context comes from the
 * turn, not from the thread. Deltas pass through untouched.
 */
public final class TracedReplyGenerator implements ReplyGenerator {
    private final ReplyGenerator delegate;
    private final OpenTelemetryTurns turns;

    public TracedReplyGenerator(ReplyGenerator delegate, OpenTelemetryTurns turns) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.turns = Objects.requireNonNull(turns, "turns");
    }

    @Override
    public CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        return inAttemptSpan(request, () -> delegate.generate(request));
    }

    @Override
    public CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas) {
        return inAttemptSpan(request, () -> delegate.stream(request, deltas));
    }

    private CompletionStage<GeneratedReply> inAttemptSpan(GenerationRequest request,
            Supplier<CompletionStage<GeneratedReply>> start) {
        try (Scope ignored = turns.attemptContext(request.requestId()).makeCurrent()) {
            return start.get();
        }
    }
}
