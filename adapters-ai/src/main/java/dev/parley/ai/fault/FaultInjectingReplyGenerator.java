package dev.parley.ai.fault;

import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The debug decorator (docs/architecture.md#fault-injection) around the real provider: before each attempt,
 * whole or streamed, it consults the chat's armed plan ({@link FaultPlans}), then chaos mode
 * ({@link ChaosMode}); a chosen fault fails the attempt at once with that kind's {@link ParleyException}
 * (so the domain's retries, breaker and the REST mapping all run for real) and is logged as one
 * {@code debug_fault_injected} event. {@code stream_cut} lets a streamed attempt reach the provider and
 * fails it after the provider's first pieces ({@link StreamCut}); a whole attempt it fails at once. Any
 * other attempt goes to the provider unchanged.
 *
 * <p>Only {@link FaultInjection#decorate} builds it, and only when debug fault injection is enabled.
 * Thread-safe.
 */
final class FaultInjectingReplyGenerator implements ReplyGenerator {
    private final ReplyGenerator provider;
    private final FaultPlans plans;
    private final ChaosMode chaos;
    private final TelemetryEvents telemetry;

    FaultInjectingReplyGenerator(ReplyGenerator provider, FaultPlans plans, ChaosMode chaos, TelemetryEvents telemetry) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.chaos = Objects.requireNonNull(chaos, "chaos");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    }

    @Override
    public CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        Optional<Fault> fault = choose(request);
        if (fault.isEmpty()) {
            return provider.generate(request);
        }
        return CompletableFuture.failedFuture(inject(request, fault.get()));
    }

    @Override
    public CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas) {
        Optional<Fault> fault = choose(request);
        if (fault.isEmpty()) {
            return provider.stream(request, deltas);
        }
        if (fault.get().kind() != FaultKind.STREAM_CUT) {
            return CompletableFuture.failedFuture(inject(request, fault.get()));
        }
        return StreamCut.after(fault.get().piecesBeforeCut(), () -> inject(request, fault.get()))
                .stream(provider, request, deltas);
    }

    /** The fault for this attempt: the chat's armed plan first, then chaos mode; empty: the attempt runs normally. */
    private Optional<Fault> choose(GenerationRequest request) {
        Optional<FaultPlans.Injection> planned = plans.next(request.chatId()).filter(i -> i.kind().isAiFault());
        if (planned.isPresent()) {
            FaultPlans.Injection injection = planned.get();
            return Optional.of(new Fault(injection.kind(), "header", injection.attempt(),
                    injection.directive().piecesBeforeCut()));
        }
        return chaos.draw().map(kind -> new Fault(kind, "chaos", 0,
                kind == FaultKind.STREAM_CUT ? chaos.piecesBeforeCut() : 1));
    }

    /** Reports the fault as injected and returns the failure it fails the attempt with. */
    private ParleyException inject(GenerationRequest request, Fault fault) {
        ParleyException failure = fault.kind().failure(fault.source());
        telemetry.emit(TelemetryEvent.info("debug_fault_injected")
                .requestId(request.requestId().orElse(null))
                .chat(request.chatId())
                .with("kind", fault.kind().headerName())
                .with("code", failure.code())
                .with("source", fault.source())
                .with("attempt", fault.attempt() > 0 ? fault.attempt() : null)
                .with("retryAfterMs", failure.retryAfter().map(d -> d.toMillis()).orElse(null))
                .with("after", fault.kind() == FaultKind.STREAM_CUT ? fault.piecesBeforeCut() : null)
                .build());
        return failure;
    }

    /** One attempt's fault: its kind, where it came from, which attempt of a header plan (0: chaos), pieces before a cut. */
    private record Fault(FaultKind kind, String source, int attempt, int piecesBeforeCut) {
    }
}
