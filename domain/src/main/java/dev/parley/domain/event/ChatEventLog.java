package dev.parley.domain.event;

import dev.parley.domain.chat.ChatId;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The outbox of chat events, shared by every instance (docs/architecture.md#chat-events): what a turn
 * tells its watchers is appended here in the turn's own transaction, every instance reads it to feed
 * its streams, and a client that lost its stream is given what it missed from it.
 *
 * <p>A chat's events are numbered 1, 2, 3, ... without a gap, in the order their transactions
 * commit: appending locks the chat until the commit, so two transactions never interleave the
 * events of one chat. Events older than the retention are purged; the head (the last id given) is
 * kept, so that a client that asks for events older than the retention can be told so.
 */
public interface ChatEventLog {
    /**
     * Appends the events, in this order, in the caller's transaction if one is active (else in their
     * own), and signals every instance once they are committed. Returns them with their ids; none if
     * the chat does not exist.
     */
    List<ChatEvent> append(ChatId chatId, List<ChatEvent.New> events);

    /** The chat's retained events with an id above {@code afterId}, oldest first, at most {@code limit}. */
    List<ChatEvent> after(ChatId chatId, long afterId, int limit);

    /** The last id given to an event of each chat (0: none yet); a chat that does not exist is absent. */
    Map<ChatId, Long> heads(Collection<ChatId> chatIds);

    /** Deletes events older than {@code age} (by the database's clock); returns how many. */
    int purgeOlderThan(Duration age);
}
