package dev.parley.persistence.event;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.EventTicketStore;
import dev.parley.domain.user.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link EventTicketStore} over PostgreSQL: a ticket is one row keyed by its hash; redeeming it is a
 * {@code delete ... returning}, so of any number of instances that try, one gets it, once. Expiry is
 * the database's clock.
 */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class EventTicketsJpaAdapter implements EventTicketStore {
    private EntityManager em;

    protected EventTicketsJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public EventTicketsJpaAdapter(EntityManager em) {
        this.em = em;
    }

    @Override
    public boolean keep(byte[] hash, UserId user, ChatId chatId, Instant credentialValidUntil, Duration validity,
            int maxHeld) {
        return em.createNativeQuery("insert into event_tickets (hash, user_id, chat_id, valid_until, expires_at)"
                        + " select :hash, :user, :chat, :until, now() + cast(:ms as bigint) * interval '1 millisecond'"
                        + " where (select count(*) from event_tickets where expires_at > now()) < :max")
                .setParameter("hash", hash)
                .setParameter("user", user.value())
                .setParameter("chat", chatId.value())
                .setParameter("until", credentialValidUntil)
                .setParameter("ms", validity.toMillis())
                .setParameter("max", maxHeld)
                .executeUpdate() == 1;
    }

    @Override
    public Optional<Redeemed> redeem(byte[] hash, ChatId chatId) {
        List<?> rows = em.createNativeQuery("delete from event_tickets where hash = :hash"
                        + " returning user_id, chat_id, valid_until, expires_at > now()")
                .setParameter("hash", hash)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = (Object[]) rows.get(0);
        if (!chatId.value().equals(row[1]) || !Boolean.TRUE.equals(row[3])) {
            return Optional.empty();
        }
        return Optional.of(new Redeemed(new UserId((UUID) row[0]), instant(row[2])));
    }

    @Override
    public int purgeExpired() {
        return em.createNativeQuery("delete from event_tickets where expires_at <= now()").executeUpdate();
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("not a timestamp: " + value);
    }
}
