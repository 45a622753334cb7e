package dev.parley.domain.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A small property-test runner on plain JUnit: runs a body over many seeded random trials and, when
 * one fails, reports the property, the seed and the steps the trial noted, so it can be replayed.
 */
public final class RandomTrials {

    private RandomTrials() {
    }

    /** One trial: a seeded generator plus a log of the steps taken. */
    public static final class Trial {
        private final SplittableRandom random;
        private final List<String> steps = new ArrayList<>();

        Trial(long seed) {
            this.random = new SplittableRandom(seed);
        }

        public int nextInt(int from, int toInclusive) {
            return random.nextInt(from, toInclusive + 1);
        }

        public boolean chance(double probability) {
            return random.nextDouble() < probability;
        }

        public <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }

        public SplittableRandom random() {
            return random;
        }

        public void note(String step) {
            steps.add(step);
        }
    }

    /** Runs {@code body} for {@code trials} seeds derived from {@code baseSeed}. */
    public static void check(String property, int trials, long baseSeed, Consumer<Trial> body) {
        for (int i = 0; i < trials; i++) {
            long seed = baseSeed + i;
            Trial trial = new Trial(seed);
            try {
                body.accept(trial);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(property + " falsified by seed " + seed + " after steps "
                        + trial.steps, e);
            }
        }
    }
}
