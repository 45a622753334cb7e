package dev.parley.telemetry;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Runs each generation attempt inside its attempt span ({@link OpenTelemetryTurns#attemptContext}):
 * the span is current while the provider adapter starts the attempt, so the adapter's HTTP client
 * span becomes its child and carries the turn's trace to the provider. The attempt thread may be
 * the request's or a scheduler's; the context comes from the turn, not from the thread.
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
        try (Scope ignored = turns.attemptContext(request.requestId()).makeCurrent()) {
            return delegate.generate(request);
        }
    }
}
