package dev.parley.persistence.fault;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.Turn;
import dev.parley.domain.chat.TurnTransition;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.user.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link Conversations} that fails storing an assistant reply with DATABASE_UNAVAILABLE while
 * {@link DatabaseFaults} is armed for the chat: the completing transaction of a turn (reply, charge,
 * ledger) then rolls back exactly as it would if the database went away at that moment. Everything
 * else passes through.
 */
public final class FaultInjectingConversations implements Conversations {
    private final Conversations delegate;
    private final DatabaseFaults faults;
    private final Consumer<ChatId> onInjected;

    public FaultInjectingConversations(Conversations delegate, DatabaseFaults faults, Consumer<ChatId> onInjected) {
        this.delegate = delegate;
        this.faults = faults;
        this.onInjected = onInjected;
    }

    @Override
    public void append(Message message) {
        if (message.role() == MessageRole.ASSISTANT && faults.nextWriteFails(message.chatId())) {
            onInjected.accept(message.chatId());
            throw new ParleyException(ErrorCode.DATABASE_UNAVAILABLE, "injected database fault",
                    Duration.ofSeconds(1));
        }
        delegate.append(message);
    }

    @Override
    public void create(Chat chat) {
        delegate.create(chat);
    }

    @Override
    public Optional<Chat> find(ChatId id) {
        return delegate.find(id);
    }

    @Override
    public List<ChatSummary> listFor(UserId owner, int limit) {
        return delegate.listFor(owner, limit);
    }

    @Override
    public List<Message> messages(ChatId chatId, int offset, int limit) {
        return delegate.messages(chatId, offset, limit);
    }

    @Override
    public List<Message> recentMessages(ChatId chatId, int limit) {
        return delegate.recentMessages(chatId, limit);
    }

    @Override
    public boolean appendIfKeyUnused(Message userMessage) {
        return delegate.appendIfKeyUnused(userMessage);
    }

    @Override
    public Optional<Message> findByIdempotencyKey(ChatId chatId, String idempotencyKey) {
        return delegate.findByIdempotencyKey(chatId, idempotencyKey);
    }

    @Override
    public Optional<Message> findReplyTo(MessageId userMessageId) {
        return delegate.findReplyTo(userMessageId);
    }

    @Override
    public Optional<Turn> findTurn(ChatId chatId, String idempotencyKey) {
        return delegate.findTurn(chatId, idempotencyKey);
    }

    @Override
    public List<Turn> pendingTurnsUntouchedSince(Instant before, int limit) {
        return delegate.pendingTurnsUntouchedSince(before, limit);
    }

    @Override
    public boolean apply(TurnTransition transition) {
        return delegate.apply(transition);
    }
}
