package dev.parley.application.limit;

import dev.parley.application.limit.UserRateLimitedException.Limit;
import dev.parley.domain.user.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link UserQuotas} in memory, per instance (docs/architecture.md#per-user-limits). Thread-safe: each
 * user's usage is changed under its own lock, so users never wait for each other.
 *
 * <ul>
 *   <li><b>Sends per minute</b>: a sliding log of the admitted sends of the last {@link #WINDOW}; a send
 *       is refused while it holds {@code sendsPerMinute} entries, with the exact time until the oldest
 *       leaves it as the wait. A refused or withdrawn send leaves no entry.</li>
 *   <li><b>Turns generating</b>: the permits not yet released; refused at {@code inFlight}, with a wait
 *       of {@link #IN_FLIGHT_RETRY_AFTER} (a turn takes seconds; its end cannot be foreseen). A permit
 *       held for longer than {@code maxHold} (no turn generates that long: its request is presumed
 *       dead) no longer counts, so a lost release cannot lock a user out.</li>
 *   <li><b>Event streams</b>: a count; refused at {@code eventStreams} with a wait of
 *       {@link #STREAM_RETRY_AFTER}.</li>
 * </ul>
 * When several limits refuse, the one with the longest wait is reported. Memory stays bounded: a
 * user is tracked only while it holds permits or has sends in the window; {@link #evictIdle()} (run
 * every minute by the composition root) forgets the others.
 */
public final class InMemoryUserQuotas implements UserQuotas {
    /** The sliding window of {@code sendsPerMinute}. */
    public static final Duration WINDOW = UserLimits.WINDOW;
    /** The wait suggested to a user with as many turns generating as allowed. */
    public static final Duration IN_FLIGHT_RETRY_AFTER = UserLimits.IN_FLIGHT_RETRY_AFTER;
    /** The wait suggested to a user with as many event streams as allowed (as for TOO_MANY_STREAMS). */
    public static final Duration STREAM_RETRY_AFTER = Duration.ofSeconds(5);

    private final UserLimits limits;
    private final Clock clock;
    private final Duration maxHold;
    private final ConcurrentHashMap<UserId, Usage> users = new ConcurrentHashMap<>();

    /**
     * @param maxHold how long a send permit may count as generating at most: longer than any turn
     *                can generate (the retry deadline plus a margin)
     */
    public InMemoryUserQuotas(UserLimits limits, Clock clock, Duration maxHold) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxHold = Objects.requireNonNull(maxHold, "maxHold");
        if (maxHold.isNegative() || maxHold.isZero()) {
            throw new IllegalArgumentException("maxHold must be positive");
        }
    }

    public UserLimits limits() {
        return limits;
    }

    @Override
    public Permit admitSend(UserId user) {
        return locked(user, usage -> {
            Instant now = clock.instant();
            usage.prune(now, maxHold);
            Optional<Instant> oldest = Optional.ofNullable(usage.window.peekFirst()).map(permit -> permit.admittedAt);
            limits.refuseSend(usage.generating.size(), usage.window.size(), oldest, now).ifPresent(refusal -> {
                throw refusal;
            });
            SendPermit permit = new SendPermit(usage, now);
            usage.window.addLast(permit);
            usage.generating.add(permit);
            return permit;
        });
    }

    @Override
    public Permit openStream(UserId user) {
        return locked(user, usage -> {
            if (usage.streams >= limits.eventStreams()) {
                throw new UserRateLimitedException(Limit.EVENT_STREAMS, limits.eventStreams(), STREAM_RETRY_AFTER);
            }
            usage.streams++;
            return new StreamPermit(usage);
        });
    }

    /** Runs {@code action} on the user's usage under its lock, creating it if need be. */
    private <T> T locked(UserId user, Function<Usage, T> action) {
        Objects.requireNonNull(user, "user");
        while (true) {
            Usage usage = users.computeIfAbsent(user, id -> new Usage());
            synchronized (usage) {
                if (!usage.retired) {
                    return action.apply(usage);
                }
            } // evicted meanwhile: take the new one
        }
    }

    /** Forgets every user that holds no permit and has no send in the window. */
    public void evictIdle() {
        Instant now = clock.instant();
        for (var entry : users.entrySet()) {
            Usage usage = entry.getValue();
            synchronized (usage) {
                usage.prune(now, maxHold);
                if (usage.idle()) {
                    usage.retired = true;
                    users.remove(entry.getKey(), usage);
                }
            }
        }
    }

    /** Turns of {@code user} counted as generating now (for tests and diagnostics). */
    public int generating(UserId user) {
        return read(user, usage -> usage.generating.size());
    }

    /** Sends of {@code user} in the sliding minute now (for tests and diagnostics). */
    public int sendsInWindow(UserId user) {
        return read(user, usage -> usage.window.size());
    }

    /** Event streams of {@code user} open now (for tests and diagnostics). */
    public int streams(UserId user) {
        return read(user, usage -> usage.streams);
    }

    /** How many users are tracked (for tests and diagnostics). */
    public int trackedUsers() {
        return users.size();
    }

    private int read(UserId user, java.util.function.ToIntFunction<Usage> what) {
        Usage usage = users.get(user);
        if (usage == null) {
            return 0;
        }
        synchronized (usage) {
            usage.prune(clock.instant(), maxHold);
            return what.applyAsInt(usage);
        }
    }

    /** One user's usage; guarded by its own monitor. */
    private static final class Usage {
        /** Admitted sends of the window, oldest first (withdrawn ones removed). */
        final ArrayDeque<SendPermit> window = new ArrayDeque<>();
        /** Send permits not released yet (at most inFlight: a short list). */
        final List<SendPermit> generating = new ArrayList<>(4);
        int streams;
        boolean retired;

        void prune(Instant now, Duration maxHold) {
            Instant windowStart = now.minus(WINDOW);
            while (!window.isEmpty() && !window.peekFirst().admittedAt.isAfter(windowStart)) {
                window.removeFirst();
            }
            Instant holdStart = now.minus(maxHold);
            for (Iterator<SendPermit> it = generating.iterator(); it.hasNext();) {
                if (!it.next().admittedAt.isAfter(holdStart)) {
                    it.remove();
                }
            }
        }

        boolean idle() {
            return window.isEmpty() && generating.isEmpty() && streams == 0;
        }
    }

    private static final class SendPermit implements Permit {
        final Usage usage;
        final Instant admittedAt;

        SendPermit(Usage usage, Instant admittedAt) {
            this.usage = usage;
            this.admittedAt = admittedAt;
        }

        @Override
        public void release() {
            synchronized (usage) {
                usage.generating.remove(this);
            }
        }

        @Override
        public void withdraw() {
            synchronized (usage) {
                usage.generating.remove(this);
                usage.window.remove(this);
            }
        }
    }

    private static final class StreamPermit implements Permit {
        final Usage usage;
        boolean released; // guarded by usage

        StreamPermit(Usage usage) {
            this.usage = usage;
        }

        @Override
        public void release() {
            synchronized (usage) {
                if (!released) {
                    released = true;
                    usage.streams--;
                }
            }
        }

        @Override
        public void withdraw() {
            release();
        }
    }
}
