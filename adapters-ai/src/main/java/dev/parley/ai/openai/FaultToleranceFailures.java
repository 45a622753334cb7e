package dev.parley.ai.openai;

import dev.parley.domain.common.Failures;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Translates what a guarded attempt failed with into the domain's taxonomy: a
 * {@link ParleyException} passes unchanged; the fault-tolerance exceptions become
 * <ul>
 * <li>{@link CircuitBreakerOpenException}: {@code AI_PROVIDER_UNAVAILABLE}, retry after the breaker's
 * delay (the longest it can still be open);</li>
 * <li>{@link BulkheadException}: {@code AI_PROVIDER_UNAVAILABLE}, retry after {@link #BULKHEAD_RETRY_AFTER}
 * (capacity frees up as soon as one call ends);</li>
 * </ul>
 * and anything else {@code INTERNAL_ERROR}. (There is no {@code @Timeout}: the attempt timeout fails an
 * attempt with a {@code ParleyException} of its own, {@link ProviderAttempt}.)
 */
final class FaultToleranceFailures {
    /** The retry hint when every upstream slot and queue place is taken. */
    static final Duration BULKHEAD_RETRY_AFTER = Duration.ofSeconds(1);

    private FaultToleranceFailures() {
    }

    static ParleyException translate(Throwable error, Duration breakerDelay) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof ParleyException parley) {
            return parley;
        }
        if (cause instanceof CircuitBreakerOpenException) {
            return new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE,
                    "the provider-wide circuit breaker is open", breakerDelay, cause);
        }
        if (cause instanceof BulkheadException) {
            return new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE,
                    "too many concurrent AI provider calls (bulkhead full)", BULKHEAD_RETRY_AFTER, cause);
        }
        return new ParleyException(ErrorCode.INTERNAL_ERROR, "the AI provider call failed unexpectedly", null, cause);
    }
}
