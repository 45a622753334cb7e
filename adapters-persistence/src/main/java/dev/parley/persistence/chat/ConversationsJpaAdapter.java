package dev.parley.persistence.chat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.user.UserId;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.persistence.account.TokenWalletJpaAdapter;
import dev.parley.persistence.persona.PersonasJpaAdapter;
import dev.parley.persistence.tx.Jdbc;
import dev.parley.persistence.tx.TransactionReads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
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
    private TransactionReads reads;

    protected ConversationsJpaAdapter() {
        // for CDI proxies
    }

    /** Keeps nothing across calls ({@link TransactionReads#NONE}). */
    public ConversationsJpaAdapter(EntityManager em) {
        this(em, TransactionReads.NONE);
    }

    @Inject
    public ConversationsJpaAdapter(EntityManager em, TransactionReads reads) {
        this.em = em;
        this.reads = reads;
    }

    @Override
    public void create(Chat chat) {
        em.persist(ChatJpaEntity.from(chat));
        em.flush();
    }

    /**
     * The chat, read in one round trip together with its persona and its owner's balance: a turn asks
     * for all three in the same transaction ({@code Personas.find}, {@code TokenWallet.balance}), and
     * they then come from {@link TransactionReads} instead of two more queries. Plain JDBC
     * ({@link Jdbc}): every request about a chat starts here.
     */
    @Override
    public Optional<Chat> find(ChatId id) {
        return Jdbc.prepared(em, FIND, statement -> {
            statement.setObject(1, id.value());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.<Chat>empty();
                }
                Chat chat = new Chat(id, new UserId(row.getObject(1, UUID.class)),
                        new PersonaId(row.getObject(2, UUID.class)), row.getString(3),
                        row.getObject(4, OffsetDateTime.class).toInstant(),
                        row.getObject(5, OffsetDateTime.class).toInstant());
                reads.keep(PersonasJpaAdapter.key(chat.personaId()),
                        new Persona(chat.personaId(), row.getString(6), row.getString(7), row.getString(8)));
                reads.keep(TokenWalletJpaAdapter.key(chat.ownerId()), row.getLong(9));
                return Optional.of(chat);
            }
        });
    }

    static final String FIND = "select c.user_id, c.persona_id, c.title, c.created_at, c.last_activity_at,"
            + " p.name, p.description, p.system_prompt, u.token_balance"
            + " from chats c join personas p on p.id = c.persona_id join users u on u.id = c.user_id where c.id = ?";

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

    /** The newest {@code limit} messages, oldest first. Plain JDBC ({@link Jdbc}): every turn reads its history here. */
    @Override
    public List<Message> recentMessages(ChatId chatId, int limit) {
        List<Message> newestFirst = Jdbc.prepared(em, RECENT, statement -> {
            statement.setObject(1, chatId.value());
            statement.setInt(2, limit);
            List<Message> rows = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(message(row));
                }
            }
            return rows;
        });
        Collections.reverse(newestFirst);
        return List.copyOf(newestFirst);
    }

    static final String RECENT = "select id, chat_id, role, content, status, idempotency_key, reply_to, error_code,"
            + " created_at from messages where chat_id = ? order by seq desc limit ?";

    /** The message of a row of {@link #RECENT}'s columns. */
    private static Message message(ResultSet row) throws SQLException {
        return new Message(new MessageId(row.getObject(1, UUID.class)), new ChatId(row.getObject(2, UUID.class)),
                MessageRole.valueOf(row.getString(3)), row.getString(4), MessageStatus.valueOf(row.getString(5)),
                Optional.ofNullable(row.getString(6)),
                Optional.ofNullable(row.getObject(7, UUID.class)).map(MessageId::new),
                Optional.ofNullable(row.getString(8)).map(ErrorCode::valueOf),
                row.getObject(9, OffsetDateTime.class).toInstant());
    }

    /**
     * Inserts a message and moves its chat's last activity forward to the message's time (never
     * backwards), in one statement. {@link #TOUCH_CHAT} follows the insert of {@code inserted}.
     * Parameters: id, chat, role, content, status, key, reply-to, error code, created, updated.
     */
    static final String INSERT_MESSAGE = "with inserted as (insert into messages (id, chat_id, role, content, status,"
            + " idempotency_key, reply_to, error_code, created_at, updated_at)"
            + " values (?, ?, ?, ?, ?, cast(? as varchar), cast(? as uuid), cast(? as varchar), ?, ?)";

    /** The idempotent variant: nothing is inserted (or touched) if the chat already has the key. */
    static final String INSERT_MESSAGE_IF_KEY_UNUSED = INSERT_MESSAGE
            + " on conflict (chat_id, idempotency_key) where idempotency_key is not null do nothing";

    /** Ends both: touches the chat of what was inserted and answers how many rows were inserted (0 or 1). */
    static final String TOUCH_CHAT = " returning chat_id, created_at),"
            + " touched as (update chats c set last_activity_at = i.created_at from inserted i"
            + " where c.id = i.chat_id and c.last_activity_at < i.created_at)"
            + " select count(*) from inserted";

    private static final String APPEND = INSERT_MESSAGE + TOUCH_CHAT;
    private static final String APPEND_IF_KEY_UNUSED = INSERT_MESSAGE_IF_KEY_UNUSED + TOUCH_CHAT;

    @Override
    public void append(Message message) {
        insert(APPEND, message);
    }

    /**
     * Inserts the message with {@code sql}, touching its chat if it was inserted: true if it was. Plain
     * JDBC ({@link Jdbc}): a turn stores its user message and its reply here.
     */
    private boolean insert(String sql, Message m) {
        return Jdbc.prepared(em, sql, statement -> {
            statement.setObject(1, m.id().value());
            statement.setObject(2, m.chatId().value());
            statement.setString(3, m.role().name());
            statement.setString(4, m.content());
            statement.setString(5, m.status().name());
            statement.setString(6, m.idempotencyKey().orElse(null));
            statement.setString(7, m.replyTo().map(id -> id.value().toString()).orElse(null));
            statement.setString(8, m.errorCode().map(Enum::name).orElse(null));
            statement.setObject(9, Jdbc.timestamp(m.createdAt()));
            statement.setObject(10, Jdbc.timestamp(m.createdAt()));
            return Jdbc.firstLong(statement, 0);
        }) == 1;
    }

    @Override
    public boolean appendIfKeyUnused(Message userMessage) {
        if (userMessage.idempotencyKey().isEmpty()) {
            throw new IllegalArgumentException("a message without idempotency key is always unused: use append");
        }
        // ON CONFLICT against the partial unique index (chat_id, idempotency_key): a concurrent first
        // send with the same key inserts nothing here instead of aborting the transaction
        return insert(APPEND_IF_KEY_UNUSED, userMessage);
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
        return Jdbc.prepared(em, APPLY, statement -> {
            statement.setString(1, transition.newStatus().name());
            statement.setString(2, transition.errorCode().map(Enum::name).orElse(null));
            statement.setObject(3, Jdbc.timestamp(transition.at()));
            statement.setObject(4, transition.userMessageId().value());
            statement.setString(5, transition.expectedStatus().name());
            statement.setObject(6, Jdbc.timestamp(transition.expectedUpdatedAt()));
            return statement.executeUpdate();
        }) == 1;
    }

    /** {@link #apply}: plain JDBC ({@link Jdbc}), as every turn ends with it. */
    static final String APPLY = "update messages set status = ?, error_code = cast(? as varchar), updated_at = ?"
            + " where id = ? and role = 'USER' and status = ? and updated_at = ?";

    /**
     * PostgreSQL keeps microseconds and rounds finer input; truncating what is written and compared
     * keeps an update time that went in with nanoseconds equal to itself on the way back.
     */
    static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }
}
