package dev.parley.ai.fault;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Debug fault injection at the AI adapter's boundary (docs/architecture.md#fault-injection), the one entry point for the
 * composition root and the REST layer. The domain knows nothing of it.
 *
 * <p>It is enabled only by {@code parley.debug.force-error.enabled=true} (or the environment
 * variable {@code DEBUG_FORCE_ERROR=true}); then
 * <ul>
 * <li>{@link #decorate(ReplyGenerator)} wraps the provider in the injecting decorator (disabled: it
 * returns the provider itself);</li>
 * <li>per request, the REST layer calls {@link #armFromHeader(ChatId, String, String)} (or
 * {@link #arm(ChatId, String, FaultDirective)}) before running the use case and {@link #disarm(ChatId)}
 * when the request's stage completes;</li>
 * <li>chaos mode injects random faults at the configured {@code parley.debug.chaos.*-rate}s.</li>
 * </ul>
 * When disabled, arming does nothing and reports one {@code debug_header_ignored} event per call.
 *
 * <p>Thread-safe.
 */
@ApplicationScoped
@Typed(FaultInjection.class)
public class FaultInjection {
    @Inject
    @ConfigProperty(name = "parley.debug.force-error.enabled", defaultValue = "false")
    boolean enabledSetting;

    @Inject
    @ConfigProperty(name = "DEBUG_FORCE_ERROR")
    Optional<String> enabledByEnvironment;

    @Inject
    @ConfigProperty(name = "parley.debug.chaos.timeout-rate", defaultValue = "0")
    double timeoutRate;

    @Inject
    @ConfigProperty(name = "parley.debug.chaos.unavailable-rate", defaultValue = "0")
    double unavailableRate;

    @Inject
    @ConfigProperty(name = "parley.debug.chaos.rate-limited-rate", defaultValue = "0")
    double rateLimitedRate;

    @Inject
    @ConfigProperty(name = "parley.debug.chaos.bad-response-rate", defaultValue = "0")
    double badResponseRate;

    @Inject
    @ConfigProperty(name = "parley.debug.chaos.stream-cut-rate", defaultValue = "0")
    double streamCutRate;

    @Inject
    TelemetryEvents telemetry;

    private boolean enabled;
    private ChaosMode chaos;
    private final FaultPlans plans = new FaultPlans();

    /** For CDI. */
    protected FaultInjection() {
    }

    /** Fault injection built by hand (tests, and code outside CDI). */
    public FaultInjection(boolean enabled, ChaosMode chaos, TelemetryEvents telemetry) {
        this.enabled = enabled;
        this.chaos = Objects.requireNonNull(chaos, "chaos");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    }

    @PostConstruct
    void init() {
        enabled = enabledSetting || enabledByEnvironment.map(v -> "true".equalsIgnoreCase(v.strip())).orElse(false);
        Map<FaultKind, Double> rates = new EnumMap<>(FaultKind.class);
        rates.put(FaultKind.TIMEOUT, timeoutRate);
        rates.put(FaultKind.UNAVAILABLE, unavailableRate);
        rates.put(FaultKind.RATE_LIMITED, rateLimitedRate);
        rates.put(FaultKind.BAD_RESPONSE, badResponseRate);
        rates.put(FaultKind.STREAM_CUT, streamCutRate);
        RandomGenerator random = ThreadLocalRandom.current();
        chaos = new ChaosMode(rates, random);
        if (enabled) {
            telemetry.emit(TelemetryEvent.warning("debug_fault_injection_enabled")
                    .with("chaos", chaos.active()).with("rates", chaos.rates().toString()).build());
        }
    }

    /** Whether fault injection is enabled. */
    public boolean enabled() {
        return enabled;
    }

    /** The provider wrapped in the fault-injecting decorator when enabled; otherwise the provider itself. */
    public ReplyGenerator decorate(ReplyGenerator provider) {
        Objects.requireNonNull(provider, "provider");
        return enabled ? new FaultInjectingReplyGenerator(provider, plans, chaos, telemetry) : provider;
    }

    /**
     * Handles the {@code X-Debug-Force-Error} value of request {@code requestId}. Disabled: ignores it (whatever it
     * says), reports {@code debug_header_ignored} and returns empty. Enabled: parses it, arms it for
     * the chat and returns it (a {@link FaultKind#DATABASE} directive is returned for the
     * persistence adapter and never injected here).
     *
     * @throws InvalidFaultDirectiveException when enabled and the value is malformed
     */
    public Optional<FaultDirective> armFromHeader(ChatId chatId, String requestId, String headerValue) {
        if (!enabled) {
            reportIgnored(chatId, requestId);
            return Optional.empty();
        }
        FaultDirective directive = FaultDirective.parse(headerValue);
        arm(chatId, requestId, directive);
        return Optional.of(directive);
    }

    /**
     * Arms a parsed directive for the chat's attempts until {@link #disarm(ChatId)}. Returns whether
     * it was armed: when disabled it is not, and {@code debug_header_ignored} is reported.
     */
    public boolean arm(ChatId chatId, String requestId, FaultDirective directive) {
        Objects.requireNonNull(directive, "directive");
        if (!enabled) {
            reportIgnored(chatId, requestId);
            return false;
        }
        plans.arm(chatId, directive);
        return true;
    }

    /** Ends the chat's plan; call it when the request that armed it is over (also harmless when nothing is armed). */
    public void disarm(ChatId chatId) {
        plans.disarm(chatId);
    }

    /** Reports one {@code debug_header_ignored} event for a request whose fault header is not honoured. */
    public void reportIgnored(ChatId chatId, String requestId) {
        telemetry.emit(TelemetryEvent.info("debug_header_ignored").requestId(requestId).chat(chatId)
                .with("reason", "parley.debug.force-error.enabled is false").build());
    }
}
