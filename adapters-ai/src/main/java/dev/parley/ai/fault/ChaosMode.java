package dev.parley.ai.fault;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Random faults for soak runs: each attempt fails with a kind's probability
 * ({@code parley.debug.chaos.<kind>-rate}, 0 to 1; the rates add up to at most 1), drawn from the
 * injected random generator (seed it in tests). With every rate 0 it never injects anything. A drawn
 * {@code stream_cut} cuts a streamed attempt after {@linkplain #piecesBeforeCut 1 to 8 pieces}, drawn
 * too (a whole attempt fails at once, as the header's does).
 *
 * <p>Thread-safe when the generator is (e.g. {@code ThreadLocalRandom.current()}).
 */
public final class ChaosMode {
    /** The most pieces a chaos {@code stream_cut} lets through. */
    static final int MAX_PIECES_BEFORE_CUT = 8;

    private final Map<FaultKind, Double> rates;
    private final RandomGenerator random;

    public ChaosMode(Map<FaultKind, Double> rates, RandomGenerator random) {
        Objects.requireNonNull(rates, "rates");
        this.random = Objects.requireNonNull(random, "random");
        EnumMap<FaultKind, Double> checked = new EnumMap<>(FaultKind.class);
        double total = 0;
        for (Map.Entry<FaultKind, Double> entry : rates.entrySet()) {
            FaultKind kind = entry.getKey();
            double rate = entry.getValue();
            if (!kind.isAiFault()) {
                throw new IllegalArgumentException("chaos mode injects AI faults only, not " + kind.headerName());
            }
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("parley.debug.chaos." + kind.headerName().replace('_', '-')
                        + "-rate must be between 0 and 1, not " + rate);
            }
            if (rate > 0) {
                checked.put(kind, rate);
                total += rate;
            }
        }
        if (total > 1 + 1e-9) {
            throw new IllegalArgumentException("the parley.debug.chaos.*-rate settings add up to " + total + ", more than 1");
        }
        this.rates = Collections.unmodifiableMap(checked);
    }

    /** Chaos mode that never injects anything. */
    public static ChaosMode off() {
        return new ChaosMode(Map.of(), RandomGenerator.getDefault());
    }

    /** Whether any rate is above zero. */
    public boolean active() {
        return !rates.isEmpty();
    }

    /** The rates in force (only those above zero). */
    public Map<FaultKind, Double> rates() {
        return rates;
    }

    /** Draws how many pieces a chaos {@code stream_cut} lets through: 1 to {@value #MAX_PIECES_BEFORE_CUT}. */
    public int piecesBeforeCut() {
        return 1 + random.nextInt(MAX_PIECES_BEFORE_CUT);
    }

    /** Draws for one attempt: the kind to inject, or empty. */
    public Optional<FaultKind> draw() {
        if (rates.isEmpty()) {
            return Optional.empty();
        }
        double roll = random.nextDouble();
        double cumulative = 0;
        for (Map.Entry<FaultKind, Double> entry : rates.entrySet()) {
            cumulative += entry.getValue();
            if (roll < cumulative) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }
}
