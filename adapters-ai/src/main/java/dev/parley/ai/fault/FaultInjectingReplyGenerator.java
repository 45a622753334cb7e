package dev.parley.ai.fault;

import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The debug decorator (docs/architecture.md#fault-injection) around the real provider: before each attempt it consults the
 * chat's armed plan ({@link FaultPlans}), then chaos mode ({@link ChaosMode}); a chosen fault fails
 * the attempt at once with that kind's {@link ParleyException} (so the domain's retries, breaker and
 * the REST mapping all run for real) and is logged as one {@code debug_fault_injected} event. Any
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
        Optional<FaultPlans.Injection> planned = plans.next(request.chatId()).filter(i -> i.kind().isAiFault());
        if (planned.isPresent()) {
            FaultPlans.Injection injection = planned.get();
            return inject(request, injection.kind(), "header", injection.attempt());
        }
        Optional<FaultKind> drawn = chaos.draw();
        if (drawn.isPresent()) {
            return inject(request, drawn.get(), "chaos", 0);
        }
        return provider.generate(request);
    }

    private CompletionStage<GeneratedReply> inject(GenerationRequest request, FaultKind kind, String source, int attempt) {
        ParleyException failure = kind.failure(source);
        telemetry.emit(TelemetryEvent.info("debug_fault_injected")
                .requestId(request.requestId().orElse(null))
                .chat(request.chatId())
                .with("kind", kind.headerName())
                .with("code", failure.code())
                .with("source", source)
                .with("attempt", attempt > 0 ? attempt : null)
                .with("retryAfterMs", failure.retryAfter().map(d -> d.toMillis()).orElse(null))
                .build());
        return CompletableFuture.failedFuture(failure);
    }
}
