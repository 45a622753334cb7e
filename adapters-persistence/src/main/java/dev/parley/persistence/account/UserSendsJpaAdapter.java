package dev.parley.persistence.account;

import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserSends;
import dev.parley.persistence.tx.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * {@link UserSends} over PostgreSQL, in the caller's transaction (docs/architecture.md#per-user-limits).
 * The user's lock is the user's row ({@link #LOCK}, {@code for no key update}: it queues the user's
 * other admissions, on any instance, until this transaction ends, but neither the foreign keys that
 * point at the user nor plain reads). The counts ({@link #USAGE}) are one statement run after the
 * lock is held, so under READ COMMITTED they see every send committed by the transactions the lock
 * waited for: the turns generating are the user's PENDING user messages updated after the hold
 * limit (index {@code messages_pending_by_chat}), the sends those of {@code user_sends} in the window
 * (index {@code user_sends_by_user}). Three round trips per admitted send: lock, counts, record.
 */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class UserSendsJpaAdapter implements UserSends {
    static final String LOCK = "select id from users where id = ? for no key update";
    /** Parameters: user, generating since, user, window start, user, window start. */
    static final String USAGE = "select"
            + " (select count(*) from messages m join chats c on c.id = m.chat_id where c.user_id = ?"
            + "   and m.status = 'PENDING' and m.role = 'USER' and m.updated_at > ?),"
            + " (select count(*) from user_sends s where s.user_id = ? and s.admitted_at > ?),"
            + " (select min(s.admitted_at) from user_sends s where s.user_id = ? and s.admitted_at > ?)";
    static final String RECORD = "insert into user_sends (user_id, admitted_at) values (?, ?)";

    private EntityManager em;

    protected UserSendsJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public UserSendsJpaAdapter(EntityManager em) {
        this.em = em;
    }

    /** Plain JDBC ({@link Jdbc}): every send's opening transaction asks. */
    @Override
    public Usage lockAndCount(UserId user, Instant windowStart, Instant generatingSince) {
        return Jdbc.prepared(em, LOCK, lock -> {
            lock.setObject(1, user.value());
            lock.executeQuery().close();
            try (PreparedStatement usage = lock.getConnection().prepareStatement(USAGE)) {
                usage.setObject(1, user.value());
                usage.setObject(2, Jdbc.timestamp(generatingSince));
                usage.setObject(3, user.value());
                usage.setObject(4, Jdbc.timestamp(windowStart));
                usage.setObject(5, user.value());
                usage.setObject(6, Jdbc.timestamp(windowStart));
                try (ResultSet row = usage.executeQuery()) {
                    row.next();
                    return new Usage(row.getInt(1), row.getInt(2),
                            Optional.ofNullable(row.getObject(3, OffsetDateTime.class)).map(OffsetDateTime::toInstant));
                }
            }
        });
    }

    @Override
    public void record(UserId user, Instant at) {
        Jdbc.prepared(em, RECORD, statement -> {
            statement.setObject(1, user.value());
            statement.setObject(2, Jdbc.timestamp(at));
            return statement.executeUpdate();
        });
    }

    @Override
    public int forget(Instant before) {
        return em.createNativeQuery("delete from user_sends where admitted_at <= :before")
                .setParameter("before", micros(before))
                .executeUpdate();
    }

    /** PostgreSQL keeps microseconds: what is written and compared is truncated alike. */
    private static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }
}
