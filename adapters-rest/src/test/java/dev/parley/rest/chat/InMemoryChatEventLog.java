package dev.parley.rest.chat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.ChatEvent;
import dev.parley.domain.event.ChatEventLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox's contract in memory (the PostgreSQL one is tested in persistence): gap-free ids per chat,
 * heads kept when events are purged. Every chat exists. {@link #failing} makes every call throw, as a
 * database that went away.
 */
final class InMemoryChatEventLog implements ChatEventLog {
    private final Map<ChatId, List<ChatEvent>> events = new HashMap<>();
    private final Map<ChatId, Long> heads = new HashMap<>();
    volatile boolean failing;
    int reads;

    @Override
    public synchronized List<ChatEvent> append(ChatId chatId, List<ChatEvent.New> appended) {
        check();
        long head = heads.getOrDefault(chatId, 0L);
        List<ChatEvent> stored = new ArrayList<>();
        for (ChatEvent.New e : appended) {
            stored.add(new ChatEvent(chatId, ++head, e.kind(), e.payload()));
        }
        heads.put(chatId, head);
        events.computeIfAbsent(chatId, c -> new ArrayList<>()).addAll(stored);
        return stored;
    }

    @Override
    public synchronized List<ChatEvent> after(ChatId chatId, long afterId, int limit) {
        check();
        reads++;
        return events.getOrDefault(chatId, List.of()).stream().filter(e -> e.id() > afterId).limit(limit).toList();
    }

    @Override
    public synchronized Map<ChatId, Long> heads(Collection<ChatId> chatIds) {
        check();
        Map<ChatId, Long> found = new HashMap<>();
        chatIds.forEach(c -> found.put(c, heads.getOrDefault(c, 0L)));
        return found;
    }

    @Override
    public int purgeOlderThan(Duration age) {
        throw new UnsupportedOperationException("purgeUpTo instead");
    }

    /** Forgets the chat's events up to {@code id}, as the retention would. */
    synchronized void purgeUpTo(ChatId chatId, long id) {
        events.getOrDefault(chatId, new ArrayList<>()).removeIf(e -> e.id() <= id);
    }

    private void check() {
        if (failing) {
            throw new IllegalStateException("the database is away");
        }
    }
}
