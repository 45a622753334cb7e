package dev.parley.domain.chat;

import dev.parley.domain.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: chats and their messages. Implementations store what they are given and never lose a
 * message once {@link #append(Message)} has returned.
 */
public interface Conversations {
    void create(Chat chat);

    Optional<Chat> find(ChatId id);

    /** The owner's chats, most recent activity first, each with its last message. */
    List<ChatSummary> listFor(UserId owner, int limit);

    /** A page of the chat's messages, oldest first. */
    List<Message> messages(ChatId chatId, int offset, int limit);

    /** The most recent messages of the chat, oldest first, at most {@code limit}. */
    List<Message> recentMessages(ChatId chatId, int limit);

    /** Stores a new message and moves the chat's last activity to the message's time. */
    void append(Message message);

    /**
     * Stores a new user message unless the chat already has one under the same idempotency key.
     *
     * @return {@code true} when stored; {@code false} when the key was taken (nothing is stored)
     */
    boolean appendIfKeyUnused(Message userMessage);

    /** The user message stored under {@code idempotencyKey} in the chat, if any. */
    Optional<Message> findByIdempotencyKey(ChatId chatId, String idempotencyKey);

    /** The assistant message answering {@code userMessageId}, if any. */
    Optional<Message> findReplyTo(MessageId userMessageId);

    /**
     * The turn stored under {@code idempotencyKey} in the chat, if any: its user message, the time its
     * state last changed, and its reply if one is stored (whatever the message's status says).
     */
    Optional<Turn> findTurn(ChatId chatId, String idempotencyKey);

    /**
     * PENDING turns of any chat whose state last changed before {@code before}, oldest first, at most
     * {@code limit}, each with its reply if one is stored.
     */
    List<Turn> pendingTurnsUntouchedSince(Instant before, int limit);

    /**
     * Applies a turn's transition atomically, and only if the stored user message is still in the
     * state the transition expects ({@link TurnTransition#expectedStatus()} and exactly
     * {@link TurnTransition#expectedUpdatedAt()}): of several callers applying transitions from the
     * same state, at most one gets {@code true}. Times are kept to the microsecond at least.
     *
     * @return {@code true} when applied; {@code false} when the stored turn had moved on (nothing
     *         changes)
     */
    boolean apply(TurnTransition transition);
}
