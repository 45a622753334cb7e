package dev.parley.domain.chat;

/**
 * Lifecycle of a message. A user message is {@link #PENDING} while its reply is being generated,
 * {@link #COMPLETED} once answered and {@link #FAILED} when no reply could be made (it is kept, so
 * that the user can retry it). Assistant messages are always {@link #COMPLETED}. The legal moves of a
 * user message's status are {@link Turn}'s.
 */
public enum MessageStatus {
    PENDING,
    COMPLETED,
    FAILED
}
