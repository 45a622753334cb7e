package dev.parley.domain.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The provider-wide retry budget (docs/architecture.md#retry-policy, settings {@code parley.retry.budget.*}),
 * after Envoy's and Finagle's: over a sliding {@code window}, retries may add at most {@code ratio}
 * of the first attempts made, plus a reserve of {@code minPerSecond × window} so that a quiet
 * instance can still retry. A retry beyond it is refused: during a provider outage the attempts
 * stay below {@code firsts × (1 + ratio) + minPerSecond × window} per window instead of
 * {@code firsts × maxAttempts}.
 *
 * <p>The window is kept as {@link #BUCKETS} buckets of {@code window / BUCKETS}: a count leaves the
 * window when its bucket does, up to one bucket early. One instance per process, shared by every
 * chat; thread-safe (one short lock per first attempt and per retry asked for). Time is injected.
 */
public final class RetryBudget {
    /** Buckets the window is cut into. */
    public static final int BUCKETS = 10;

    /**
     * @param ratio        retries allowed per first attempt in the window, 0 or more (0.2: 20 %)
     * @param window       the sliding window, at least {@link #BUCKETS} milliseconds
     * @param minPerSecond retries always allowed per second of the window, 0 or more
     */
    public record Config(double ratio, Duration window, double minPerSecond) {
        /** 20 % of first attempts over 10 s, at least 3 retries a second. */
        public static final Config DEFAULTS = new Config(0.2, Duration.ofSeconds(10), 3);

        public Config {
            Objects.requireNonNull(window, "window");
            if (!(ratio >= 0) || !Double.isFinite(ratio)) {
                throw new IllegalArgumentException("ratio must be 0 or more: " + ratio);
            }
            if (window.toMillis() < BUCKETS) {
                throw new IllegalArgumentException("window must be at least " + BUCKETS + " ms: " + window);
            }
            if (!(minPerSecond >= 0) || !Double.isFinite(minPerSecond)) {
                throw new IllegalArgumentException("minPerSecond must be 0 or more: " + minPerSecond);
            }
        }

        /** Retries the window allows besides the ratio: {@code minPerSecond × window}. */
        public double reserve() {
            return minPerSecond * window.toMillis() / 1000.0;
        }
    }

    /**
     * A retry the budget refused, for telemetry.
     *
     * @param at             when
     * @param firstAttempts  first attempts in the window
     * @param retries        retries granted in the window
     * @param allowed        retries the window allows now
     * @param retryAfter     when the budget is expected to allow a retry again
     * @param newlyExhausted the first refusal since a retry was last granted (or ever)
     */
    public record Refusal(Instant at, long firstAttempts, long retries, long allowed, Duration retryAfter,
                          boolean newlyExhausted) {
    }

    /** Told about every refused retry; must not block. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = refusal -> { };

        void onRefused(Refusal refusal);
    }

    private final Config config;
    private final InstantSource clock;
    private final Listener listener;
    private final long bucketMillis;
    /** Per bucket: which period it holds (epoch millis / bucketMillis), its first attempts and its retries. */
    private final long[] period = new long[BUCKETS];
    private final long[] firsts = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];
    private boolean exhausted; // guarded by this

    private final boolean unlimited;

    public RetryBudget(Config config, InstantSource clock, Listener listener) {
        this(config, clock, listener, false);
    }

    private RetryBudget(Config config, InstantSource clock, Listener listener, boolean unlimited) {
        this.unlimited = unlimited;
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.bucketMillis = config.window().toMillis() / BUCKETS;
        Arrays.fill(period, Long.MIN_VALUE);
    }

    /** A budget that grants every retry (no limit beyond the retry policy's). */
    public static RetryBudget unlimited(InstantSource clock) {
        return new RetryBudget(Config.DEFAULTS, clock, Listener.NONE, true);
    }

    public Config config() {
        return config;
    }

    /** A request made its first attempt. */
    public void recordFirstAttempt() {
        if (unlimited) {
            return;
        }
        long now = clock.millis();
        synchronized (this) {
            firsts[bucket(now)]++;
        }
    }

    /**
     * Asks for one retry: granted (and counted) while the retries of the window stay within
     * {@code ratio × first attempts + reserve}.
     *
     * @return empty when granted; otherwise the wait until a granted retry leaves the window (at
     *         least one bucket)
     */
    public Optional<Duration> tryRetry() {
        if (unlimited) {
            return Optional.empty();
        }
        Instant at = clock.instant();
        long now = at.toEpochMilli();
        Refusal refusal;
        synchronized (this) {
            int current = bucket(now);
            long firstAttempts = 0;
            long granted = 0;
            for (int i = 0; i < BUCKETS; i++) {
                firstAttempts += firsts[i];
                granted += retries[i];
            }
            long allowed = (long) Math.floor(config.ratio() * firstAttempts + config.reserve());
            if (granted < allowed) {
                retries[current]++;
                exhausted = false;
                return Optional.empty();
            }
            refusal = new Refusal(at, firstAttempts, granted, allowed, untilOldestRetryLeaves(now), !exhausted);
            exhausted = true;
        }
        listener.onRefused(refusal);
        return Optional.of(refusal.retryAfter());
    }

    /** First attempts and retries in the window now: {@code [firsts, retries]} (for tests and diagnostics). */
    public synchronized long[] counts() {
        bucket(clock.millis());
        long f = 0;
        long r = 0;
        for (int i = 0; i < BUCKETS; i++) {
            f += firsts[i];
            r += retries[i];
        }
        return new long[] {f, r};
    }

    /** The bucket of {@code now}, after clearing every bucket that left the window. Caller holds the lock. */
    private int bucket(long now) {
        long current = Math.floorDiv(now, bucketMillis);
        for (int i = 0; i < BUCKETS; i++) {
            if (period[i] <= current - BUCKETS || period[i] > current) {
                period[i] = Long.MIN_VALUE;
                firsts[i] = 0;
                retries[i] = 0;
            }
        }
        int index = (int) Math.floorMod(current, (long) BUCKETS);
        if (period[index] != current) {
            period[index] = current;
            firsts[index] = 0;
            retries[index] = 0;
        }
        return index;
    }

    /** From {@code now} to the end of the oldest bucket holding a retry (one bucket when none does). */
    private Duration untilOldestRetryLeaves(long now) {
        long current = Math.floorDiv(now, bucketMillis);
        long oldest = current;
        for (int i = 0; i < BUCKETS; i++) {
            if (retries[i] > 0 && period[i] != Long.MIN_VALUE && period[i] < oldest) {
                oldest = period[i];
            }
        }
        long leavesAt = (oldest + BUCKETS) * bucketMillis;
        return Duration.ofMillis(Math.max(bucketMillis, leavesAt - now));
    }
}
