package dev.parley.persistence.account;

import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserSends;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
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
    static final String LOCK = "select id from users where id = :user for no key update";
    static final String USAGE = "select"
            + " (select count(*) from messages m join chats c on c.id = m.chat_id where c.user_id = :user"
            + "   and m.status = 'PENDING' and m.role = 'USER' and m.updated_at > :generatingSince),"
            + " (select count(*) from user_sends s where s.user_id = :user and s.admitted_at > :windowStart),"
            + " (select min(s.admitted_at) from user_sends s where s.user_id = :user and s.admitted_at > :windowStart)";

    private EntityManager em;

    protected UserSendsJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public UserSendsJpaAdapter(EntityManager em) {
        this.em = em;
    }

    @Override
    public Usage lockAndCount(UserId user, Instant windowStart, Instant generatingSince) {
        em.createNativeQuery(LOCK).setParameter("user", user.value()).getResultList();
        Object[] row = (Object[]) em.createNativeQuery(USAGE)
                .setParameter("user", user.value())
                .setParameter("generatingSince", micros(generatingSince))
                .setParameter("windowStart", micros(windowStart))
                .getSingleResult();
        return new Usage(((Number) row[0]).intValue(), ((Number) row[1]).intValue(), Optional.ofNullable(row[2])
                .map(UserSendsJpaAdapter::instant));
    }

    @Override
    public void record(UserId user, Instant at) {
        em.createNativeQuery("insert into user_sends (user_id, admitted_at) values (:user, :at)")
                .setParameter("user", user.value())
                .setParameter("at", micros(at))
                .executeUpdate();
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

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
    }
}
