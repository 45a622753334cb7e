package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider-wide retry budget during a simulated outage on two instances: every provider call
 * fails (chaos mode, {@code unavailable-rate=1}); clients keep sending through both instances for
 * {@link #SECONDS} s; the provider attempts made, counted from every failed turn's {@code retryMeta},
 * stay within first attempts × (1 + ratio) + minimum × window × windows × instances, far below the
 * 4 attempts per turn of the retry policy alone.
 */
class RetryBudgetClusterIT {
    private static final double RATIO = 0.2;
    private static final long WINDOW_MS = 5_000;
    private static final double MIN_PER_SECOND = 1;
    private static final int SECONDS = 15;
    private static final int CLIENTS = 6;
    private static final Pattern ATTEMPTS = Pattern.compile("\"attempts\":(\\d+)");
    private static final Pattern STOP = Pattern.compile("\"stopReason\":\"([A-Z_]+)\"");

    private static Cluster cluster;

    @BeforeAll
    static void startTwoInstancesDuringAnOutage() {
        Map<String, String> environment = Map.of(
                "PARLEY_DEBUG_FORCE_ERROR_ENABLED", "true",
                "PARLEY_DEBUG_CHAOS_UNAVAILABLE_RATE", "1",
                "PARLEY_RETRY_BACKOFF_BASE_MS", "50",
                "PARLEY_BREAKER_FAILURE_THRESHOLD", "1000000", // the budget alone limits retries here
                "PARLEY_RETRY_BUDGET_RATIO", Double.toString(RATIO),
                "PARLEY_RETRY_BUDGET_WINDOW_MS", Long.toString(WINDOW_MS),
                "PARLEY_RETRY_BUDGET_MIN_PER_SECOND", Double.toString(MIN_PER_SECOND));
        cluster = Cluster.start("budget", 2, environment);
    }

    @AfterAll
    static void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What one client saw: its failed turns' attempts and stop reasons. */
    private record Seen(int turns, int attempts, int budgetRefusals, List<String> unexpected) {
    }

    @Test
    void duringAnOutageProviderAttemptsStayWithinTheBudgetOnBothInstances() throws Exception {
        String subject = "budget-" + UUID.randomUUID();
        LibertyServer[] user = cluster.as(subject);
        Databases.execute("update users set token_balance = 1000 where id = '" + user[0].userId() + "'");
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            chats.add(user[i % 2].newChat());
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Seen>> seen = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String chat = chats.get(c);
            LibertyServer instance = user[c % 2];
            seen.add(clients.submit(() -> {
                int turns = 0;
                int attempts = 0;
                int refusals = 0;
                List<String> unexpected = new ArrayList<>();
                while (System.nanoTime() < end) {
                    HttpResponse<String> r = instance.post("/api/chats/" + chat + "/messages",
                            "{\"content\":\"Anyone there?\"}", UUID.randomUUID().toString(), Duration.ofSeconds(60));
                    turns++;
                    Matcher made = ATTEMPTS.matcher(r.body());
                    Matcher stop = STOP.matcher(r.body());
                    if (r.statusCode() != 503 || !made.find() || !stop.find()) {
                        unexpected.add(r.statusCode() + " " + r.body());
                        continue;
                    }
                    attempts += Integer.parseInt(made.group(1));
                    if (stop.group(1).equals("RETRY_BUDGET_EXHAUSTED")) {
                        refusals++;
                        assertThat(LibertyServer.code(r)).isEqualTo("AI_PROVIDER_UNAVAILABLE");
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    }
                }
                return new Seen(turns, attempts, refusals, unexpected);
            }));
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(SECONDS + 120, TimeUnit.SECONDS)).isTrue();
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;

        int turns = 0;
        int attempts = 0;
        int refusals = 0;
        for (Future<Seen> s : seen) {
            assertThat(s.get().unexpected()).isEmpty();
            turns += s.get().turns();
            attempts += s.get().attempts();
            refusals += s.get().budgetRefusals();
        }
        // every turn made exactly one first attempt; a window may count one bucket late, so one window more
        double windows = Math.ceil(elapsedSeconds * 1000 / WINDOW_MS) + 1;
        double bound = turns * (1 + RATIO) + MIN_PER_SECOND * WINDOW_MS / 1000.0 * windows * 2;
        System.out.printf("retry budget IT: %d turns, %d provider attempts (bound %.1f, 4 per turn without the"
                + " budget: %d), %d turns stopped by the budget, %.1f s%n", turns, attempts, bound, 4 * turns, refusals,
                elapsedSeconds);
        assertThat(turns).isGreaterThan(50);
        assertThat(attempts).isGreaterThan(turns).isLessThanOrEqualTo((int) Math.floor(bound));
        assertThat(refusals).isPositive();
    }
}
