package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import dev.parley.pgbouncer.RestartablePostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chaos soak (issue #16): the packaged server behind its own PgBouncer in front of its own
 * PostgreSQL, with chaos mode failing provider attempts at random (20 % unavailable, 5 % timeout, 5 %
 * rate-limited, 2 % bad response), several users sending concurrently on their own chats with shared
 * personas, retrying with the same {@code Idempotency-Key}, re-sending answered turns, with event
 * streams open ({@link SoakLoad}); meanwhile PgBouncer is killed and restarted twice, PostgreSQL
 * restarted once (fast shutdown) and PgBouncer paused for longer than the request deadline, on a
 * seeded schedule ({@link SoakChaos}). Afterwards every invariant is checked from the database and the
 * recorded answers ({@link SoakInvariants}); a violation fails the test with the seed and the
 * offending rows. The summary is printed and written to {@code target/soak/}.
 *
 * <p>The short version runs in every {@code verify} (90 s of load, 5 users); {@code scripts/soak}
 * runs the long one. System properties: {@code parley.soak.seconds}, {@code parley.soak.users},
 * {@code parley.soak.seed}; {@code parley.soak.skip=true} skips it.
 */
class ChaosSoakIT {
    private static final String CAPTAIN_MIRA = "00000000-0000-4000-8000-00000000a001";
    private static final String PROFESSOR_LIN = "00000000-0000-4000-8000-00000000a002";
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    /** The retry policy and cost the server is started with (its defaults, set explicitly). */
    private static final SoakInvariants.Policy POLICY = new SoakInvariants.Policy(4, 1_000, 10_000, 25_000, 1);
    /** What the poorest user starts with: it runs dry during the run (402s), and its balance must stop at 0. */
    private static final long POOR = 12;
    private static final long FUNDED = 100_000;

    private RestartablePostgres postgres;
    private PgBouncer bouncer;
    private LibertyServer server;
    private Path loggingDropin;

    @AfterEach
    void stopEverything() throws IOException {
        if (server != null) {
            server.close();
        }
        if (loggingDropin != null) {
            Files.deleteIfExists(loggingDropin);
        }
        if (bouncer != null) {
            bouncer.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void nothingIsLostOrDoubledUnderProviderFaultsAndDatabaseRestarts() throws IOException {
        Assumptions.assumeFalse(Boolean.getBoolean("parley.soak.skip"), "parley.soak.skip=true");
        long seconds = Long.getLong("parley.soak.seconds", 90);
        int userCount = Integer.getInteger("parley.soak.users", 5);
        long seed = Long.getLong("parley.soak.seed", new java.security.SecureRandom().nextLong() >>> 16);
        String runId = "soak" + Long.toHexString(seed) + "-" + UUID.randomUUID().toString().substring(0, 4);
        List<SoakChaos.Action> plan = SoakChaos.plan(seed, (int) Math.max(1, seconds / 150),
                Duration.ofMillis(POLICY.deadlineMs()));
        System.out.printf("soak: seed %d (-Dparley.soak.seed=%d), %d s, %d users, run %s%nsoak: schedule %s%n", seed, seed,
                seconds, userCount, runId, plan);

        postgres = RestartablePostgres.start("soak-pg");
        bouncer = PgBouncer.start("soak", PgBouncer.Mode.TRANSACTION, 10, postgres.port());
        loggingDropin = LibertyServer.serverDirectory(1).resolve("configDropins/overrides/soak-logging.xml");
        Files.createDirectories(loggingDropin.getParent());
        // messages.log must keep every telemetry line of the run: no roll-over (test server only)
        Files.writeString(loggingDropin, "<server><logging maxFileSize=\"0\"/></server>\n");
        Instant serverStart = Instant.now();
        server = LibertyServer.behind(bouncer, 1, environment(), postgres.direct());

        List<SoakLoad.User> users = new ArrayList<>();
        Map<Integer, Long> funded = new HashMap<>();
        for (int i = 0; i < userCount; i++) {
            String subject = runId + "-user-" + i;
            LibertyServer view = server.as(subject);
            String id = view.userId();
            users.add(new SoakLoad.User(i, subject, id, List.of(chat(view, CAPTAIN_MIRA), chat(view, PROFESSOR_LIN))));
            funded.put(i, i == 0 ? POOR : FUNDED);
            fund(id, funded.get(i));
        }

        SoakLoad load = new SoakLoad(server.baseUrl(), runId);
        SoakChaos chaos = new SoakChaos(plan, bouncer, postgres, load::nowMs, () -> server.statusOf("/health/ready") == 200);
        load.start(users, 2, seed);
        Throwable[] chaosFailure = new Throwable[1];
        Thread chaosThread = new Thread(() -> {
            try {
                chaos.run();
            } catch (Throwable t) {
                chaosFailure[0] = t;
            }
        }, "soak-chaos");
        long loadEnd = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        chaosThread.start();
        join(chaosThread);
        // the load goes on for its time, and at least 5 s past the last chaos action
        long calmEnd = Math.max(loadEnd, System.nanoTime() + Duration.ofSeconds(5).toNanos());
        LockSupport.parkNanos(calmEnd - System.nanoTime());
        long loadMs = load.nowMs();
        load.stopSending();
        long reconcileStart = load.nowMs();
        load.reconcile(users, Duration.ofSeconds(90));
        long reconcileMs = load.nowMs() - reconcileStart;
        long pendingWaitStart = load.nowMs();
        // a turn no request works on any more is resolved by the final-write retries or, at the latest,
        // by the sweep once it is older than the stale age (deadline + 30 s)
        Poll.until(Duration.ofMillis(POLICY.deadlineMs() + 30_000 + 15_000), () -> SoakInvariants.pending(postgres.direct(), users).isEmpty());
        List<String> pending = SoakInvariants.pending(postgres.direct(), users);
        long pendingWaitMs = load.nowMs() - pendingWaitStart;
        load.stopAll();

        String log = serverLog(server, serverStart);
        int starts = count(log, "CWWKF0011I");
        List<SoakExchange> exchanges = load.exchanges();
        SoakInvariants.Run run = new SoakInvariants.Run(exchanges, users, funded, chaos.done(), load.readiness(), starts, log,
                load.streamedMessageIds(), pending, runId);
        SoakInvariants invariants = new SoakInvariants(run, POLICY, postgres.direct());
        Map<String, List<String>> violations = invariants.check();

        String summary = summary(seed, runId, userCount, loadMs, reconcileMs, pendingWaitMs, plan, chaos, load, exchanges,
                invariants.checked(), violations);
        Path dir = Files.createDirectories(Path.of("target/soak"));
        Files.writeString(dir.resolve("summary-" + runId + ".txt"), summary);
        Files.writeString(dir.resolve("exchanges-" + runId + ".txt"),
                exchanges.stream().map(SoakExchange::line).collect(Collectors.joining("\n")) + "\n");
        System.out.println(summary);
        if (!violations.isEmpty()) {
            fail("the chaos soak found violations (seed " + seed + ", -Dparley.soak.seed=" + seed + "):\n" + summary);
        }
        if (chaosFailure[0] != null) {
            throw new AssertionError("a chaos action failed (seed " + seed + ")", chaosFailure[0]);
        }
        assertThat(exchanges.stream().filter(SoakExchange::created).count()).as("turns answered at all").isPositive();
        assertThat(chaos.done()).as("every scheduled chaos action ran").hasSize(plan.size());
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_DEBUG_FORCE_ERROR_ENABLED", "true");
        env.put("PARLEY_DEBUG_CHAOS_UNAVAILABLE_RATE", "0.2");
        env.put("PARLEY_DEBUG_CHAOS_TIMEOUT_RATE", "0.05");
        env.put("PARLEY_DEBUG_CHAOS_RATE_LIMITED_RATE", "0.05");
        env.put("PARLEY_DEBUG_CHAOS_BAD_RESPONSE_RATE", "0.02");
        env.put("PARLEY_RETRY_MAX_ATTEMPTS", Integer.toString(POLICY.maxAttempts()));
        env.put("PARLEY_RETRY_BACKOFF_BASE_MS", Long.toString(POLICY.backoffBaseMs()));
        env.put("PARLEY_RETRY_BACKOFF_CAP_MS", Long.toString(POLICY.backoffCapMs()));
        env.put("PARLEY_RETRY_DEADLINE_MS", Long.toString(POLICY.deadlineMs()));
        env.put("PARLEY_TOKENS_COST_PER_REPLY", Long.toString(POLICY.costPerReply()));
        env.put("PARLEY_EVENTS_KEEP_ALIVE_MS", "1000");
        return env;
    }

    private static String chat(LibertyServer view, String persona) {
        HttpResponse<String> r = view.post("/api/chats", "{\"personaId\":\"" + persona + "\"}", null, Duration.ofSeconds(60));
        Matcher m = ID.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            fail("no chat: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    private void fund(String userId, long tokens) {
        try (Connection c = postgres.direct().getConnection();
                PreparedStatement s = c.prepareStatement("update users set token_balance = ? where id = ?::uuid")) {
            s.setLong(1, tokens);
            s.setString(2, userId);
            assertThat(s.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every messages*.log the server wrote since {@code since} (the current one and any it rolled over). */
    private static String serverLog(LibertyServer server, Instant since) {
        try (Stream<Path> files = Files.list(server.logsDirectory())) {
            StringBuilder all = new StringBuilder();
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("messages")).sorted().toList()) {
                if (Files.getLastModifiedTime(p).toInstant().isAfter(since)) {
                    all.append(Files.readString(p)).append('\n');
                }
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    private static String summary(long seed, String runId, int users, long loadMs, long reconcileMs, long pendingWaitMs,
            List<SoakChaos.Action> plan, SoakChaos chaos, SoakLoad load, List<SoakExchange> exchanges,
            Map<String, String> checked, Map<String, List<String>> violations) {
        StringBuilder s = new StringBuilder();
        s.append("=== chaos soak ").append(runId).append(" ===\n");
        s.append(String.format("seed %d (rerun: -Dparley.soak.seed=%d), %d users x 2 senders, load %.1f s, then %.1f s of"
                + " same-key retries and %.1f s until no turn was pending%n", seed, seed, users, loadMs / 1000.0,
                reconcileMs / 1000.0, pendingWaitMs / 1000.0));
        s.append("provider chaos: 20 % unavailable, 5 % timeout, 5 % rate-limited, 2 % bad response per attempt\n");
        s.append("schedule: ").append(plan).append('\n');
        for (SoakChaos.Done done : chaos.done()) {
            long readyAt = load.readiness().stream().filter(r -> r.atMs() >= done.backMs() && r.status() == 200)
                    .mapToLong(SoakLoad.Readiness::atMs).findFirst().orElse(-1);
            s.append(String.format("  %-16s at %6d ms, dependency back at %6d ms, /health/ready UP %s%n", done.action().kind(),
                    done.startMs(), done.backMs(), readyAt < 0 ? "never" : (readyAt - done.backMs()) + " ms later"));
        }
        List<SoakExchange> sends = exchanges.stream().filter(e -> e.key() != null).toList();
        long fresh = sends.stream().filter(e -> e.created() && !e.replayed()).count();
        List<Long> latencies = sends.stream().filter(e -> e.created() && !e.replayed()).map(e -> e.endMs() - e.startMs())
                .sorted().toList();
        s.append(String.format("requests: %d (%s); turns answered: %d (%.1f/s during the load)%n", exchanges.size(),
                SoakInvariants.kinds(exchanges), fresh, fresh * 1000.0 / Math.max(1, loadMs)));
        if (!latencies.isEmpty()) {
            s.append(String.format("201 latency: p50 %d ms, p95 %d ms, max %d ms%n", latencies.get(latencies.size() / 2),
                    latencies.get((int) (latencies.size() * 0.95)), latencies.get(latencies.size() - 1)));
        }
        s.append("slowest answer by kind:");
        exchanges.stream().collect(Collectors.groupingBy(SoakExchange::kind, java.util.TreeMap::new,
                Collectors.mapping(e -> e.endMs() - e.startMs(), Collectors.maxBy(Long::compare))))
                .forEach((kind, ms) -> s.append(' ').append(kind).append(' ').append(ms.orElse(0L)).append(" ms"));
        s.append('\n');
        s.append("answers by outcome:\n");
        SoakInvariants.outcomes(exchanges).forEach((k, v) -> s.append(String.format("  %-40s %d%n", k, v)));
        s.append(String.format("event streams: %d opened, %d events, %d refused%n", load.streamsOpened(), load.streamEvents(),
                load.streamRefusals()));
        s.append("invariants:\n");
        for (Map.Entry<String, String> c : checked.entrySet()) {
            List<String> rows = violations.getOrDefault(c.getKey(), List.of());
            s.append(rows.isEmpty() ? "  [ok]       " : String.format("  [VIOLATED %d] ", rows.size())).append(c.getKey())
                    .append(" — ").append(c.getValue()).append('\n');
            rows.stream().limit(25).forEach(r -> s.append("      ").append(r).append('\n'));
        }
        return s.toString();
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
