package dev.parley.application.chat;

import dev.parley.application.limit.UserQuotas;

/**
 * Admits a caller to a chat's live events (the turns reported through {@link TurnEvents}). Only the
 * owner may watch a chat; another user's chat is reported exactly like a missing one.
 */
public interface WatchChatUseCase {
    /**
     * Admits the caller to the chat's events: the returned permit counts against the caller's event
     * streams until it is released, which the stream's owner must do when the stream ends, however it
     * ends.
     *
     * @throws dev.parley.domain.error.ParleyException CHAT_NOT_FOUND unless the caller owns the chat
     * @throws dev.parley.application.limit.UserRateLimitedException when the caller has as many event
     *         streams open as allowed
     */
    UserQuotas.Permit watch(WatchChatQuery query);

    /**
     * Checks that the caller may watch the chat, without opening anything (an event-stream ticket is
     * issued on it; the stream the ticket opens goes through {@link #watch} and its limit).
     *
     * @throws dev.parley.domain.error.ParleyException CHAT_NOT_FOUND unless the caller owns the chat
     */
    void authorize(WatchChatQuery query);
}
