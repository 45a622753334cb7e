package dev.parley.domain.resilience;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.retry.StopReason;
import java.time.Duration;
import java.util.Objects;

/**
 * A guarded request failed for good. {@link #code()} is the final code (the last attempt's, or
 * {@link ErrorCode#CIRCUIT_OPEN}); {@link #retryAfter()} is the hint to pass to the client (the
 * remaining open time, or the upstream's hint); the cause is the last attempt's failure, or, when the
 * code is CIRCUIT_OPEN, a {@link dev.parley.domain.breaker.CircuitOpenException} (with the last
 * attempt's failure, if any, as a suppressed exception).
 */
public class GuardedExecutionException extends ParleyException {
    private static final long serialVersionUID = 1L;

    private final transient RetryMeta retryMeta;
    private final StopReason stopReason;

    public GuardedExecutionException(ErrorCode code, Duration retryAfter, Throwable cause,
                                     RetryMeta retryMeta, StopReason stopReason) {
        super(code, "guarded request failed with " + code + " (" + stopReason + ")", retryAfter, cause);
        this.retryMeta = Objects.requireNonNull(retryMeta, "retryMeta");
        this.stopReason = Objects.requireNonNull(stopReason, "stopReason");
    }

    public RetryMeta retryMeta() {
        return retryMeta;
    }

    public StopReason stopReason() {
        return stopReason;
    }
}
