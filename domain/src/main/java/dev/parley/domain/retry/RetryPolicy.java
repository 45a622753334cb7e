package dev.parley.domain.retry;

import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a request retries failed attempts (docs/architecture.md#retry-policy, configuration keys {@code parley.retry.*}).
 * Immutable and thread-safe; randomness (jitter) comes from the generator passed in.
 *
 * <p>Retry number {@code n} (1-based) waits {@code backoffBase × multiplier^(n-1)}, at most
 * {@code backoffCap}; with the defaults 1000, 2000, 4000 ms. With {@code jitter} {@code j > 0} the
 * wait is drawn uniformly from {@code [d × (1 - j), d × (1 + j)]}, then capped.
 *
 * @param maxAttempts  attempts per request, the first included; at least 1
 * @param backoffBase  first wait; not negative
 * @param multiplier   growth of the wait per retry; at least 1
 * @param backoffCap   largest computed wait; at least {@code backoffBase}
 * @param jitter       fraction of random spread, 0 (off) to 1
 * @param deadline     the request's whole time budget; no attempt starts at or after it; positive
 */
public record RetryPolicy(int maxAttempts, Duration backoffBase, double multiplier, Duration backoffCap,
                          double jitter, Duration deadline) {

    /** 4 attempts, 1 s doubling, capped at 10 s, no jitter, 25 s deadline. */
    public static final RetryPolicy DEFAULTS =
            new RetryPolicy(4, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.0, Duration.ofSeconds(25));

    public RetryPolicy {
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffCap, "backoffCap");
        Objects.requireNonNull(deadline, "deadline");
        require(maxAttempts >= 1, "maxAttempts must be at least 1: " + maxAttempts);
        require(!backoffBase.isNegative(), "backoffBase must not be negative: " + backoffBase);
        require(multiplier >= 1.0 && Double.isFinite(multiplier), "multiplier must be at least 1: " + multiplier);
        require(backoffCap.compareTo(backoffBase) >= 0, "backoffCap must be at least backoffBase: " + backoffCap);
        require(jitter >= 0.0 && jitter <= 1.0, "jitter must be within [0, 1]: " + jitter);
        require(!deadline.isNegative() && !deadline.isZero(), "deadline must be positive: " + deadline);
    }

    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** The wait before retry number {@code retry} (1-based) without jitter. */
    public Duration backoff(int retry) {
        require(retry >= 1, "retry must be at least 1: " + retry);
        double nanos = backoffBase.toNanos() * Math.pow(multiplier, retry - 1);
        return Duration.ofNanos(Math.min(backoffCap.toNanos(), Math.round(nanos)));
    }

    /** The wait before retry number {@code retry} (1-based), jittered with {@code random} when jitter is on. */
    public Duration backoff(int retry, RandomGenerator random) {
        Duration plain = backoff(retry);
        if (jitter == 0.0) {
            return plain;
        }
        double spread = plain.toNanos() * jitter * (2.0 * random.nextDouble() - 1.0);
        long nanos = Math.max(0, Math.round(plain.toNanos() + spread));
        return Duration.ofNanos(Math.min(backoffCap.toNanos(), nanos));
    }

    /**
     * Whether to try again after attempt number {@code attemptsMade} failed with {@code failure},
     * {@code elapsed} after the request started. Stops on a non-retryable code, after
     * {@link #maxAttempts()}, or when the next attempt could not start before the deadline. An
     * upstream hint ({@link ParleyException#retryAfter()}) longer than the computed wait replaces it
     * if it still fits the deadline; if it does not, the request stops at once
     * ({@link StopReason#RETRY_AFTER_BEYOND_DEADLINE}) and the caller should pass the hint on.
     */
    public RetryDecision decide(int attemptsMade, ParleyException failure, Duration elapsed, RandomGenerator random) {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(elapsed, "elapsed");
        if (!failure.code().retryable()) {
            return RetryDecision.stop(StopReason.NOT_RETRYABLE);
        }
        if (attemptsMade >= maxAttempts) {
            return RetryDecision.stop(StopReason.ATTEMPTS_EXHAUSTED);
        }
        Duration wait = backoff(attemptsMade, random);
        Duration hint = failure.retryAfter().orElse(Duration.ZERO);
        boolean hinted = hint.compareTo(wait) > 0;
        if (hinted) {
            wait = hint;
        }
        if (elapsed.plus(wait).compareTo(deadline) >= 0) {
            return RetryDecision.stop(hinted ? StopReason.RETRY_AFTER_BEYOND_DEADLINE : StopReason.DEADLINE_REACHED);
        }
        return RetryDecision.retryAfter(wait, hinted);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
