package it.dev.parley.pgbouncer;

import dev.parley.pgbouncer.PgBouncer;
import dev.parley.pgbouncer.Poll;
import dev.parley.pgbouncer.RestartablePostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The soak's infrastructure faults, on a schedule drawn from the seed (and printed): each round is
 * PgBouncer killed ({@code kill -9}) and restarted on the same port twice, PostgreSQL restarted once
 * (fast shutdown, same port and data), and one {@code PAUSE}/{@code RESUME} of PgBouncer longer than
 * the request deadline, in a seeded order with seeded gaps and down times. After each action it waits
 * for the service to be ready again before the next gap starts, and records when the dependency was
 * back (the readiness invariant is judged from the poller's record, {@link SoakInvariants}).
 */
final class SoakChaos {
    enum Kind {
        KILL_PGBOUNCER, RESTART_POSTGRES, PAUSE_PGBOUNCER
    }

    /** A planned action: wait {@code gapMs}, then do it, the dependency away for {@code downMs}. */
    record Action(Kind kind, long gapMs, long downMs) {
    }

    /** What happened: the action began at {@code startMs}, its dependency was back at {@code backMs} (run time, ms). */
    record Done(Action action, long startMs, long backMs) {
    }

    private final List<Action> plan;
    private final PgBouncer bouncer;
    private final RestartablePostgres postgres;
    private final LongSupplier clockMs;
    private final java.util.function.BooleanSupplier ready;
    private final List<Done> done = new java.util.concurrent.CopyOnWriteArrayList<>();

    SoakChaos(List<Action> plan, PgBouncer bouncer, RestartablePostgres postgres, LongSupplier clockMs,
            java.util.function.BooleanSupplier ready) {
        this.plan = List.copyOf(plan);
        this.bouncer = bouncer;
        this.postgres = postgres;
        this.clockMs = clockMs;
        this.ready = ready;
    }

    /**
     * {@code rounds} rounds of two kills, one PostgreSQL restart and one pause (of {@code deadline} plus
     * 2 to 6 s), shuffled by {@code seed}; gaps of 4 to 10 s, kills and restarts down 1 to 4 s.
     */
    static List<Action> plan(long seed, int rounds, Duration deadline) {
        Random random = new Random(seed);
        List<Action> plan = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<Kind> kinds = new ArrayList<>(List.of(Kind.KILL_PGBOUNCER, Kind.KILL_PGBOUNCER, Kind.RESTART_POSTGRES,
                    Kind.PAUSE_PGBOUNCER));
            Collections.shuffle(kinds, random);
            for (Kind kind : kinds) {
                long gap = 4_000 + random.nextInt(6_001);
                long down = kind == Kind.PAUSE_PGBOUNCER ? deadline.toMillis() + 2_000 + random.nextInt(4_001)
                        : 1_000 + random.nextInt(3_001);
                plan.add(new Action(kind, gap, down));
            }
        }
        return plan;
    }

    /** How long the plan takes at least (gaps and down times; recoveries come on top). */
    static long minimumMs(List<Action> plan) {
        return plan.stream().mapToLong(a -> a.gapMs() + a.downMs()).sum();
    }

    /** Runs the plan on the calling thread. */
    void run() {
        for (Action action : plan) {
            pause(action.gapMs());
            long start = clockMs.getAsLong();
            switch (action.kind()) {
                case KILL_PGBOUNCER -> {
                    bouncer.kill();
                    pause(action.downMs());
                    bouncer.start();
                }
                case RESTART_POSTGRES -> {
                    postgres.stop();
                    pause(action.downMs());
                    postgres.startServer();
                }
                case PAUSE_PGBOUNCER -> {
                    bouncer.pause();
                    pause(action.downMs());
                    bouncer.resume();
                }
            }
            long back = clockMs.getAsLong();
            done.add(new Done(action, start, back));
            System.out.printf("soak: %s at %d ms, back at %d ms%n", action.kind(), start, back);
            Poll.until(Duration.ofSeconds(60), ready);
        }
    }

    List<Done> done() {
        return List.copyOf(done);
    }

    private static void pause(long millis) {
        LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
    }
}
