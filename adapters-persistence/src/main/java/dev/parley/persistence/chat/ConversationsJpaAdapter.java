package dev.parley.persistence.chat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.user.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@link Conversations} over JPA. Messages are ordered by their database-assigned sequence. */
@ApplicationScoped
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
        em.createQuery("update ChatJpaEntity c set c.lastActivityAt = :at where c.id = :id and c.lastActivityAt < :at")
                .setParameter("at", message.createdAt())
                .setParameter("id", message.chatId().value())
                .executeUpdate();
        em.flush();
    }

    @Override
    public void markUserMessage(MessageId id, MessageStatus status, Optional<ErrorCode> code, Instant at) {
        int updated = em.createQuery("update MessageJpaEntity m set m.status = :status, m.errorCode = :code,"
                        + " m.updatedAt = :at where m.id = :id and m.role = dev.parley.domain.chat.MessageRole.USER")
                .setParameter("status", status)
                .setParameter("code", code.orElse(null))
                .setParameter("at", at)
                .setParameter("id", id.value())
                .executeUpdate();
        if (updated != 1) {
            throw new IllegalStateException("no user message " + id);
        }
    }
}
