package dev.parley.persistence.chat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import dev.parley.domain.user.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@link Conversations} over JPA. Messages are ordered by their database-assigned sequence. */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class ConversationsJpaAdapter implements Conversations {
    private EntityManager em;

    protected ConversationsJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public ConversationsJpaAdapter(EntityManager em) {
        this.em = em;
    }

    @Override
    public void create(Chat chat) {
        em.persist(ChatJpaEntity.from(chat));
        em.flush();
    }

    @Override
    public Optional<Chat> find(ChatId id) {
        return Optional.ofNullable(em.find(ChatJpaEntity.class, id.value())).map(ChatJpaEntity::toDomain);
    }

    @Override
    public List<ChatSummary> listFor(UserId owner, int limit) {
        List<Object[]> rows = em.createQuery("select c, p.name from ChatJpaEntity c, PersonaJpaEntity p"
                        + " where p.id = c.personaId and c.userId = :owner"
                        + " order by c.lastActivityAt desc, c.createdAt desc", Object[].class)
                .setParameter("owner", owner.value())
                .setMaxResults(limit)
                .getResultList();
        if (rows.isEmpty()) {
            return List.of();
        }
        List<UUID> chatIds = rows.stream().map(r -> ((ChatJpaEntity) r[0]).id).toList();
        Map<UUID, Message> last = em.createQuery("select m from MessageJpaEntity m where m.chatId in :ids"
                        + " and m.seq = (select max(m2.seq) from MessageJpaEntity m2 where m2.chatId = m.chatId)",
                        MessageJpaEntity.class)
                .setParameter("ids", chatIds)
                .getResultStream()
                .map(MessageJpaEntity::toDomain)
                .collect(Collectors.toMap(m -> m.chatId().value(), Function.identity()));
        return rows.stream().map(r -> {
            Chat chat = ((ChatJpaEntity) r[0]).toDomain();
            return new ChatSummary(chat, (String) r[1], Optional.ofNullable(last.get(chat.id().value())));
        }).toList();
    }

    @Override
    public List<Message> messages(ChatId chatId, int offset, int limit) {
        return em.createQuery("select m from MessageJpaEntity m where m.chatId = :chat order by m.seq",
                        MessageJpaEntity.class)
                .setParameter("chat", chatId.value())
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultStream()
                .map(MessageJpaEntity::toDomain)
                .toList();
    }

    @Override
    public List<Message> recentMessages(ChatId chatId, int limit) {
        List<Message> newestFirst = em.createQuery(
                        "select m from MessageJpaEntity m where m.chatId = :chat order by m.seq desc",
                        MessageJpaEntity.class)
                .setParameter("chat", chatId.value())
                .setMaxResults(limit)
                .getResultStream()
                .map(MessageJpaEntity::toDomain)
                .collect(Collectors.toList());
        java.util.Collections.reverse(newestFirst);
        return List.copyOf(newestFirst);
    }

    @Override
    public void append(Message message) {
        em.persist(MessageJpaEntity.from(message));
        touchChat(message);
        em.flush();
    }

    /** Moves the chat's last activity forward to the message's time (never backwards). */
    private void touchChat(Message message) {
        em.createQuery("update ChatJpaEntity c set c.lastActivityAt = :at where c.id = :id and c.lastActivityAt < :at")
                .setParameter("at", message.createdAt())
                .setParameter("id", message.chatId().value())
                .executeUpdate();
    }

    @Override
    public boolean appendIfKeyUnused(Message userMessage) {
        if (userMessage.idempotencyKey().isEmpty()) {
            throw new IllegalArgumentException("a message without idempotency key is always unused: use append");
        }
        // ON CONFLICT against the partial unique index (chat_id, idempotency_key): a concurrent first
        // send with the same key inserts nothing here instead of aborting the transaction
        int inserted = em.createNativeQuery("insert into messages (id, chat_id, role, content, status,"
                        + " idempotency_key, created_at, updated_at) values (?1, ?2, 'USER', ?3, ?4, ?5, ?6, ?6)"
                        + " on conflict (chat_id, idempotency_key) where idempotency_key is not null do nothing")
                .setParameter(1, userMessage.id().value())
                .setParameter(2, userMessage.chatId().value())
                .setParameter(3, userMessage.content())
                .setParameter(4, userMessage.status().name())
                .setParameter(5, userMessage.idempotencyKey().get())
                .setParameter(6, micros(userMessage.createdAt()))
                .executeUpdate();
        if (inserted == 1) {
            touchChat(userMessage);
        }
        return inserted == 1;
    }

    @Override
    public Optional<Message> findByIdempotencyKey(ChatId chatId, String idempotencyKey) {
        return byIdempotencyKey(chatId, idempotencyKey).map(MessageJpaEntity::toDomain);
    }

    /** The user message stored under the chat's idempotency key (unique per chat). */
    private Optional<MessageJpaEntity> byIdempotencyKey(ChatId chatId, String idempotencyKey) {
        return em.createQuery("select m from MessageJpaEntity m where m.chatId = :chat and m.idempotencyKey = :key",
                        MessageJpaEntity.class)
                .setParameter("chat", chatId.value())
                .setParameter("key", idempotencyKey)
                .getResultStream()
                .findFirst();
    }

    @Override
    public Optional<Message> findReplyTo(MessageId userMessageId) {
        return em.createQuery("select m from MessageJpaEntity m where m.replyTo = :id", MessageJpaEntity.class)
                .setParameter("id", userMessageId.value())
                .getResultStream()
                .findFirst()
                .map(MessageJpaEntity::toDomain);
    }

    @Override
    public Optional<Turn> findTurn(ChatId chatId, String idempotencyKey) {
        return byIdempotencyKey(chatId, idempotencyKey).map(this::turnOf);
    }

    /** The turn of a stored user message, with its reply whatever the message's status says. */
    private Turn turnOf(MessageJpaEntity m) {
        return new Turn(m.toDomain(), m.updatedAt, findReplyTo(new MessageId(m.id)));
    }

    @Override
    public List<Turn> pendingTurnsUntouchedSince(Instant before, int limit) {
        return em.createQuery("select m from MessageJpaEntity m where m.role = dev.parley.domain.chat.MessageRole.USER"
                        + " and m.status = :pending and m.updatedAt < :before order by m.updatedAt",
                        MessageJpaEntity.class)
                .setParameter("pending", MessageStatus.PENDING)
                .setParameter("before", micros(before))
                .setMaxResults(limit)
                .getResultStream()
                .map(this::turnOf)
                .toList();
    }

    /**
     * One conditional update: it changes the row only if it is still in the state the domain's
     * decision expected, status and update time (the lease of the request that decided it), so
     * concurrent requests deciding on the same observation cannot both apply, and a request whose
     * turn was taken over can no longer end it.
     */
    @Override
    public boolean apply(TurnTransition transition) {
        return em.createQuery("update MessageJpaEntity m set m.status = :to, m.errorCode = :code,"
                        + " m.updatedAt = :at where m.id = :id and m.role = dev.parley.domain.chat.MessageRole.USER"
                        + " and m.status = :from and m.updatedAt = :seen")
                .setParameter("to", transition.newStatus())
                .setParameter("code", transition.errorCode().orElse(null))
                .setParameter("at", micros(transition.at()))
                .setParameter("id", transition.userMessageId().value())
                .setParameter("from", transition.expectedStatus())
                .setParameter("seen", micros(transition.expectedUpdatedAt()))
                .executeUpdate() == 1;
    }

    /**
     * PostgreSQL keeps microseconds and rounds finer input; truncating what is written and compared
     * keeps an update time that went in with nanoseconds equal to itself on the way back.
     */
    static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }
}
