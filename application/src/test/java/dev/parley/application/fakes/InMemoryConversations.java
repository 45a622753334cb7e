package dev.parley.application.fakes;

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
import dev.parley.domain.user.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory {@link Conversations} for use-case tests. */
public final class InMemoryConversations implements Conversations {
    private final Map<ChatId, Chat> chats = new LinkedHashMap<>();
    private final List<Message> messages = new ArrayList<>();
    private final Map<ChatId, String> personaNames = new LinkedHashMap<>();
    private final Map<MessageId, Instant> updatedAt = new HashMap<>();

    @Override
    public synchronized void create(Chat chat) {
        chats.put(chat.id(), chat);
        personaNames.put(chat.id(), "persona");
    }

    @Override
    public synchronized Optional<Chat> find(ChatId id) {
        return Optional.ofNullable(chats.get(id));
    }

    @Override
    public synchronized List<ChatSummary> listFor(UserId owner, int limit) {
        return chats.values().stream()
                .filter(c -> c.isOwnedBy(owner))
                .sorted(Comparator.comparing(Chat::lastActivityAt).reversed())
                .limit(limit)
                .map(c -> new ChatSummary(c, personaNames.get(c.id()),
                        messages.stream().filter(m -> m.chatId().equals(c.id())).reduce((a, b) -> b)))
                .toList();
    }

    @Override
    public synchronized List<Message> messages(ChatId chatId, int offset, int limit) {
        return messages.stream().filter(m -> m.chatId().equals(chatId)).skip(offset).limit(limit).toList();
    }

    @Override
    public synchronized List<Message> recentMessages(ChatId chatId, int limit) {
        List<Message> all = messages(chatId, 0, Integer.MAX_VALUE);
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    @Override
    public synchronized void append(Message message) {
        messages.add(message);
        updatedAt.put(message.id(), message.createdAt());
        Chat c = chats.get(message.chatId());
        chats.put(c.id(), new Chat(c.id(), c.ownerId(), c.personaId(), c.title(), c.createdAt(), message.createdAt()));
    }

    @Override
    public synchronized boolean appendIfKeyUnused(Message userMessage) {
        if (findByIdempotencyKey(userMessage.chatId(), userMessage.idempotencyKey().orElseThrow()).isPresent()) {
            return false;
        }
        append(userMessage);
        return true;
    }

    @Override
    public synchronized Optional<Message> findByIdempotencyKey(ChatId chatId, String idempotencyKey) {
        return messages.stream()
                .filter(m -> m.chatId().equals(chatId) && m.idempotencyKey().equals(Optional.of(idempotencyKey)))
                .findFirst();
    }

    @Override
    public synchronized Optional<Message> findReplyTo(MessageId userMessageId) {
        return messages.stream().filter(m -> m.replyTo().equals(Optional.of(userMessageId))).findFirst();
    }

    @Override
    public synchronized Optional<Turn> findTurn(ChatId chatId, String idempotencyKey) {
        return findByIdempotencyKey(chatId, idempotencyKey).map(this::turnOf);
    }

    @Override
    public synchronized List<Turn> pendingTurnsUntouchedSince(Instant before, int limit) {
        return messages.stream()
                .filter(m -> m.role() == MessageRole.USER && m.status() == MessageStatus.PENDING
                        && updatedAt.get(m.id()).isBefore(before))
                .sorted(Comparator.comparing(m -> updatedAt.get(m.id())))
                .limit(limit)
                .map(this::turnOf)
                .toList();
    }

    private Turn turnOf(Message m) {
        return new Turn(m, updatedAt.get(m.id()), findReplyTo(m.id()));
    }

    /** Applies the transition only from the status and update time it names. */
    @Override
    public synchronized boolean apply(TurnTransition transition) {
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.id().equals(transition.userMessageId()) && m.role() == MessageRole.USER) {
                boolean expected = m.status() == transition.expectedStatus()
                        && transition.expectedUpdatedAt().equals(updatedAt.get(m.id()));
                if (expected) {
                    messages.set(i, m.withStatus(transition.newStatus(), transition.errorCode()));
                    updatedAt.put(m.id(), transition.at());
                }
                return expected;
            }
        }
        return false;
    }

    /** Makes the message look untouched since {@code at} (e.g. a request that died long ago). */
    public synchronized void touchedAt(MessageId id, Instant at) {
        updatedAt.put(id, at);
    }

    public synchronized List<Message> all() {
        return List.copyOf(messages);
    }
}
