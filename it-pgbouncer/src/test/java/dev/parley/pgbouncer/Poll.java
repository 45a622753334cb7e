package dev.parley.pgbouncer;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it (every 20 ms) until a deadline; never sleeps blindly. */
public final class Poll {
    private static final long INTERVAL_NANOS = Duration.ofMillis(20).toNanos();

    private Poll() {
    }

    /** True as soon as {@code condition} holds, false if it still does not after {@code timeout}. */
    public static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }
}
