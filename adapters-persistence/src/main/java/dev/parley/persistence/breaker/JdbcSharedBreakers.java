package dev.parley.persistence.breaker;

import dev.parley.domain.breaker.ProbeClaim;
import dev.parley.domain.breaker.SharedBreakers;
import dev.parley.domain.breaker.SharedOpen;
import dev.parley.domain.chat.ChatId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * {@link SharedBreakers} over the {@code chat_breakers} table (V7): one row per chat whose breaker is
 * OPEN or probing cluster-wide, every time in the database's clock ({@code now()}), every operation one
 * statement in its own (auto-commit) transaction, so it works the same through a transaction-mode
 * PgBouncer. Writes run on {@code async} and never block the caller; a probe claim runs there too and
 * the caller waits for it at most {@code claimWait} (then the registry decides alone). Failures are
 * reported as such (an exception, a failed stage): the registry degrades to per-instance breakers.
 */
public final class JdbcSharedBreakers implements SharedBreakers {

    private static final String REMAINING_MS =
            "greatest(0, ceil(extract(epoch from (open_until - now())) * 1000))::bigint";
    private static final String PROBING = "(probes > 0 and probe_until > now())";

    /** Opens the chat's shared breaker unless it is open already (then it stays as it is); returns it. */
    static final String PUBLISH_OPEN = "insert into chat_breakers as b (chat_id, generation, opened_at, open_until)"
            + " values (?, nextval('chat_breaker_generation'), now(), now() + cast(? as bigint) * interval '1 millisecond')"
            + " on conflict (chat_id) do update set"
            + " generation = case when b.open_until <= now() then excluded.generation else b.generation end,"
            + " opened_at = case when b.open_until <= now() then excluded.opened_at else b.opened_at end,"
            + " probes = case when b.open_until <= now() then 0 else b.probes end,"
            + " probe_until = case when b.open_until <= now() then null else b.probe_until end,"
            + " open_until = case when b.open_until <= now() then excluded.open_until else b.open_until end"
            + " returning generation, " + REMAINING_MS + ", " + PROBING;

    /** A probe succeeded: the row goes, unless the breaker was opened again meanwhile. */
    static final String PUBLISH_CLOSE = "delete from chat_breakers where chat_id = ? and open_until <= now()";

    /**
     * One probe claim once the open time is over, while fewer than the permits are held (a lapsed lease
     * counts as none held); answers with the claimed generation (or null), and the row as it was.
     */
    static final String CLAIM_PROBE = "with claimed as (update chat_breakers set"
            + " probes = case when probe_until is null or probe_until <= now() then 1 else probes + 1 end,"
            + " probe_until = now() + cast(? as bigint) * interval '1 millisecond'"
            + " where chat_id = ? and open_until <= now()"
            + " and (probe_until is null or probe_until <= now() or probes < ?) returning generation)"
            + " select (select generation from claimed), b.generation, " + REMAINING_MS.replace("open_until", "b.open_until")
            + " from (select 1) one left join chat_breakers b on b.chat_id = ?";

    static final String RELEASE_PROBE = "update chat_breakers set probes = greatest(probes - 1, 0),"
            + " probe_until = case when probes <= 1 then null else probe_until end where chat_id = ?";

    static final String OPEN_BREAKERS = "select chat_id, generation, " + REMAINING_MS + ", " + PROBING
            + " from chat_breakers";

    /** Rows whose open time ended long ago and that nobody probes: the chats went quiet. */
    static final String PURGE = "delete from chat_breakers"
            + " where open_until < now() - cast(? as bigint) * interval '1 millisecond'"
            + " and (probe_until is null or probe_until <= now())";

    private final DataSource database;
    private final Executor async;
    private final Duration lease;
    private final Duration claimWait;

    /**
     * @param lease     how long a probe claim holds (at least the longest a probe can run: the request deadline)
     * @param claimWait how long a caller waits for a claim's answer before its breaker decides alone
     */
    public JdbcSharedBreakers(DataSource database, Executor async, Duration lease, Duration claimWait) {
        this.database = Objects.requireNonNull(database, "database");
        this.async = Objects.requireNonNull(async, "async");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.claimWait = Objects.requireNonNull(claimWait, "claimWait");
        if (lease.isNegative() || lease.isZero() || claimWait.isNegative() || claimWait.isZero()) {
            throw new IllegalArgumentException("lease and claimWait must be positive: " + lease + ", " + claimWait);
        }
    }

    @Override
    public CompletionStage<SharedOpen> publishOpen(ChatId chat, Duration openFor) {
        return CompletableFuture.supplyAsync(() -> query(PUBLISH_OPEN, s -> {
            s.setObject(1, chat.value());
            s.setLong(2, openFor.toMillis());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new SharedOpen(chat, rs.getLong(1), Duration.ofMillis(rs.getLong(2)), rs.getBoolean(3));
            }
        }), async);
    }

    @Override
    public CompletionStage<Void> publishClose(ChatId chat) {
        return CompletableFuture.runAsync(() -> update(PUBLISH_CLOSE, chat.value()), async);
    }

    @Override
    public ProbeClaim claimProbe(ChatId chat, int permits) {
        CompletableFuture<ProbeClaim> claim = CompletableFuture.supplyAsync(() -> query(CLAIM_PROBE, s -> {
            s.setLong(1, lease.toMillis());
            s.setObject(2, chat.value());
            s.setInt(3, permits);
            s.setObject(4, chat.value());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                rs.getLong(1);
                if (!rs.wasNull()) {
                    return ProbeClaim.CLAIMED;
                }
                long generation = rs.getLong(2);
                return rs.wasNull() ? ProbeClaim.NOT_SHARED
                        : ProbeClaim.taken(generation, Duration.ofMillis(rs.getLong(3)));
            }
        }), async);
        try {
            return claim.get(claimWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SharedBreakersUnavailable("no answer to a probe claim within " + claimWait.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new SharedBreakersUnavailable("probe claim failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SharedBreakersUnavailable("interrupted while claiming a probe", e);
        }
    }

    @Override
    public void releaseProbe(ChatId chat) {
        CompletableFuture.runAsync(() -> update(RELEASE_PROBE, chat.value()), async);
    }

    @Override
    public List<SharedOpen> openBreakers() {
        return query(OPEN_BREAKERS, s -> {
            List<SharedOpen> open = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(new SharedOpen(new ChatId(rs.getObject(1, UUID.class)), rs.getLong(2),
                            Duration.ofMillis(rs.getLong(3)), rs.getBoolean(4)));
                }
            }
            return open;
        });
    }

    /** Deletes the rows whose open time ended more than {@code quietFor} ago and that nobody probes; returns how many. */
    public int purge(Duration quietFor) {
        return query(PURGE, s -> {
            s.setLong(1, quietFor.toMillis());
            return s.executeUpdate();
        });
    }

    private void update(String sql, UUID chat) {
        query(sql, s -> {
            s.setObject(1, chat);
            return s.executeUpdate();
        });
    }

    private <T> T query(String sql, Statement<T> work) {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            return work.run(s);
        } catch (SQLException e) {
            throw new SharedBreakersUnavailable("SQLSTATE " + e.getSQLState(), e);
        }
    }

    @FunctionalInterface
    private interface Statement<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    /** The table could not be read or written: the breakers go on per instance. */
    public static final class SharedBreakersUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SharedBreakersUnavailable(String message, Throwable cause) {
            super("shared breaker table unavailable: " + message, cause);
        }
    }
}
