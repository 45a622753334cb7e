package dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Chat turns per second through the persistence path (send-message use case, JPA adapters,
 * Hibernate, pool, ParleyDataSource), direct to PostgreSQL versus through PgBouncer (transaction
 * mode, 8 server connections) with protection on, in the same run (docs/benchmarks.md). Not part
 * of the build; it reports, it asserts no timing:
 *
 * <pre>
 * mvn -o -q -pl it-pgbouncer -am verify -DskipITs -Dparley.benchmark=true \
 *     -Dtest=PersistenceThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "parley.benchmark", matches = "true")
class PersistenceThroughputBenchmark {
    private static final int THREADS = Integer.getInteger("parley.benchmark.threads", 8);
    private static final int TURNS = Integer.getInteger("parley.benchmark.turns", 150);
    private static final int ROUNDS = Integer.getInteger("parley.benchmark.rounds", 3);

    @Test
    void chatTurnsPerSecondDirectVersusPgBouncer() {
        try (PgBouncer bouncer = PgBouncer.start("bench", PgBouncer.Mode.TRANSACTION, THREADS, Databases.postgres().getPort())) {
            Map<String, String[]> configs = new LinkedHashMap<>();
            configs.put("direct, auto (no pooler: server-side prepares after 5 uses)", new String[] {Databases.directUrl(), "auto"});
            configs.put("direct, true (prepareThreshold=0, no statement cache)", new String[] {Databases.directUrl(), "true"});
            configs.put("PgBouncer transaction mode, auto (detected, protected)", new String[] {bouncer.jdbcUrl(), "auto"});
            Map<String, List<Double>> results = new LinkedHashMap<>();
            configs.keySet().forEach(k -> results.put(k, new ArrayList<>()));
            for (int round = -1; round < ROUNDS; round++) { // round -1 warms up
                for (Map.Entry<String, String[]> c : configs.entrySet()) {
                    try (PersistencePath path = PersistencePath.over(c.getValue()[0], c.getValue()[1], THREADS)) {
                        ChatLoad.Result r = new ChatLoad(path, THREADS, true).run(TURNS);
                        assertThat(r.failures()).isEmpty();
                        assertThat(r.wrongResults()).isEmpty();
                        if (round >= 0) {
                            results.get(c.getKey()).add(r.turnsPerSecond());
                        }
                    }
                }
            }
            System.out.printf("%n%d threads x %d turns, %d rounds (after one warm-up), %d cores%n", THREADS, TURNS,
                    ROUNDS, Runtime.getRuntime().availableProcessors());
            results.forEach((name, tps) -> System.out.printf("%-62s turns/s: median %6.0f  all %s%n", name,
                    median(tps), tps.stream().map(v -> String.format("%.0f", v)).toList()));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
