package dev.parley.ai.openai;

import dev.parley.domain.common.Failures;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * What the OpenAI-compatible adapter has seen of its provider-wide circuit breaker and bulkhead,
 * worked out from the outcomes of its own calls. MicroProfile Fault Tolerance 4.1 has no API that
 * tells a breaker's state; it publishes it only as metrics (through mpTelemetry, and only while the
 * OpenTelemetry SDK is enabled). So this says what was <em>observed</em>: whether the breaker refused the
 * latest call or let it through (closed or half-open: the two are indistinguishable from outside),
 * and when; how many calls are in flight (running or queued in the bulkhead); counts since start.
 *
 * <p>Thread-safe; {@link #started()} and {@link #finished(Throwable)} come in pairs per call.
 */
@ApplicationScoped
public class ProviderCallStats {
    /** What the breaker did with the latest call that finished. */
    public enum BreakerSighting {
        /** it refused the call: open at that moment */
        OPEN,
        /** it let the call through: closed or half-open at that moment */
        LET_THROUGH
    }

    /** One look at the breaker. */
    public record Sighting(BreakerSighting what, Instant at) {
    }

    /** The counters at one moment. */
    public record Snapshot(int inFlight, long succeeded, long failed, long refusedByBreaker, long refusedByBulkhead,
            Optional<Sighting> lastBreakerSighting) {
    }

    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refusedByBreaker = new LongAdder();
    private final LongAdder refusedByBulkhead = new LongAdder();
    private final AtomicReference<Sighting> lastSighting = new AtomicReference<>();

    /** Times the sightings with the wall clock (UTC). */
    public ProviderCallStats() {
        this(Clock.systemUTC());
    }

    ProviderCallStats(Clock clock) {
        this.clock = clock;
    }

    /** A call is about to be made. */
    public void started() {
        inFlight.incrementAndGet();
    }

    /** The call started last finished with {@code error} ({@code null}: it succeeded). */
    public void finished(Throwable error) {
        inFlight.decrementAndGet();
        Throwable cause = error == null ? null : Failures.unwrap(error);
        BreakerSighting sighting = BreakerSighting.LET_THROUGH;
        if (cause == null) {
            succeeded.increment();
        } else if (cause instanceof CircuitBreakerOpenException) {
            refusedByBreaker.increment();
            sighting = BreakerSighting.OPEN;
        } else if (cause instanceof BulkheadException) {
            refusedByBulkhead.increment(); // the breaker sits outside the bulkhead: it let the call through
        } else {
            failed.increment();
        }
        lastSighting.set(new Sighting(sighting, clock.instant()));
    }

    public Snapshot snapshot() {
        return new Snapshot(inFlight.get(), succeeded.sum(), failed.sum(), refusedByBreaker.sum(),
                refusedByBulkhead.sum(), Optional.ofNullable(lastSighting.get()));
    }
}
