package dev.parley.persistence.event;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.ChatEvent;
import dev.parley.domain.event.ChatEventLog;
import dev.parley.persistence.tx.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link ChatEventLog} over PostgreSQL (SQL in the caller's transaction). An
 * append is one statement ({@link #appendSql}): it raises the chat's {@code last_event_id}, inserts the
 * events below it and calls {@code pg_notify} on {@link #CHANNEL} with {@code "<chatId> <last id>"},
 * which PostgreSQL delivers to every listener when (and only if) the transaction commits. NOTIFY
 * passes through a transaction-mode PgBouncer; LISTEN needs a direct connection
 * ({@link PostgresEventListener}).
 */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class ChatEventsJpaAdapter implements ChatEventLog {
    /** The notification channel of appended events. */
    public static final String CHANNEL = "parley_chat_events";
    private static final int MAX_BATCH = 8;
    private static final String[] APPEND = new String[MAX_BATCH + 1];

    static {
        for (int n = 1; n <= MAX_BATCH; n++) {
            APPEND[n] = appendSql(n);
        }
    }

    private EntityManager em;

    protected ChatEventsJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public ChatEventsJpaAdapter(EntityManager em) {
        this.em = em;
    }

    /**
     * The append of {@code n} events in one statement: returns the chat's new last id (no row: no such
     * chat). Parameters: the chat, the chat, each event's kind and payload, the chat as text.
     */
    static String appendSql(int n) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            values.append(i == 1 ? "" : ", ").append("(").append(i).append(", cast(? as varchar), cast(? as text))");
        }
        return "with head as (update chats set last_event_id = last_event_id + " + n
                + " where id = ? returning last_event_id),"
                + " ins as (insert into chat_events (chat_id, id, kind, payload)"
                + " select ?, head.last_event_id - " + n + " + e.ord, e.kind, e.payload"
                + " from head, (values " + values + ") as e(ord, kind, payload) returning id)"
                + " select max(id), pg_notify('" + CHANNEL + "', cast(? as text) || ' ' || max(id))"
                + " from ins having count(*) > 0";
    }

    /** Plain JDBC ({@link Jdbc}): the turn's transactions append their events here. */
    @Override
    public List<ChatEvent> append(ChatId chatId, List<ChatEvent.New> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        if (events.size() > MAX_BATCH) {
            List<ChatEvent> all = new ArrayList<>();
            for (int from = 0; from < events.size(); from += MAX_BATCH) {
                all.addAll(append(chatId, events.subList(from, Math.min(events.size(), from + MAX_BATCH))));
            }
            return all;
        }
        int n = events.size();
        long last = Jdbc.prepared(em, APPEND[n], statement -> {
            int p = 1;
            statement.setObject(p++, chatId.value());
            statement.setObject(p++, chatId.value());
            for (ChatEvent.New event : events) {
                statement.setString(p++, event.kind());
                statement.setString(p++, event.payload());
            }
            statement.setString(p, chatId.value().toString());
            return Jdbc.firstLong(statement, -1);
        });
        if (last < 0) {
            return List.of();
        }
        List<ChatEvent> appended = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            appended.add(new ChatEvent(chatId, last - n + 1 + i, events.get(i).kind(), events.get(i).payload()));
        }
        return appended;
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ChatEvent> after(ChatId chatId, long afterId, int limit) {
        List<?> rows = em.createNativeQuery("select id, kind, payload from chat_events"
                        + " where chat_id = :chat and id > :after order by id limit :limit")
                .setParameter("chat", chatId.value())
                .setParameter("after", afterId)
                .setParameter("limit", limit)
                .getResultList();
        List<ChatEvent> events = new ArrayList<>(rows.size());
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            events.add(new ChatEvent(chatId, ((Number) r[0]).longValue(), (String) r[1], (String) r[2]));
        }
        return events;
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<ChatId, Long> heads(Collection<ChatId> chatIds) {
        if (chatIds.isEmpty()) {
            return Map.of();
        }
        List<?> rows = em.createNativeQuery("select id, last_event_id from chats where id in (:ids)")
                .setParameter("ids", chatIds.stream().map(ChatId::value).toList())
                .getResultList();
        Map<ChatId, Long> heads = new HashMap<>();
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            heads.put(new ChatId((UUID) r[0]), ((Number) r[1]).longValue());
        }
        return heads;
    }

    @Override
    public int purgeOlderThan(Duration age) {
        return em.createNativeQuery("delete from chat_events where created_at < now() - cast(:ms as bigint)"
                        + " * interval '1 millisecond'")
                .setParameter("ms", age.toMillis())
                .executeUpdate();
    }
}
