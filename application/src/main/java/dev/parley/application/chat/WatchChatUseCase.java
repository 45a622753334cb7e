package dev.parley.application.chat;

/**
 * Admits a caller to a chat's live events (the turns reported through {@link TurnEvents}). Only the
 * owner may watch a chat; another user's chat is reported exactly like a missing one.
 */
public interface WatchChatUseCase {
    /**
     * Returns normally when the caller may watch the chat.
     *
     * @throws dev.parley.domain.error.ParleyException CHAT_NOT_FOUND unless the caller owns the chat
     */
    void watch(WatchChatQuery query);
}
