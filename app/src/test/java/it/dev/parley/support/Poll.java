package it.dev.parley.support;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting for a state by polling with a deadline (never by sleeping a guessed time). */
public final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private Poll() {
    }

    /** Calls {@code probe} until its value satisfies {@code done}, and returns that value; fails after {@code deadline}. */
    public static <T> T until(Duration deadline, Supplier<T> probe, Predicate<T> done, String what) {
        long until = System.nanoTime() + deadline.toNanos();
        T last = null;
        while (System.nanoTime() < until) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(INTERVAL.toMillis()); // the polling interval of a deadline-bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError(what + " did not happen within " + deadline + "; last: " + Optional.ofNullable(last).orElse(null));
    }
}
