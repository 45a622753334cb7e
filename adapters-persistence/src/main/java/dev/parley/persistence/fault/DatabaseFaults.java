package dev.parley.persistence.fault;

import dev.parley.domain.chat.ChatId;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Debug fault injection for the persistence adapter (docs/architecture.md#fault-injection, kind {@code database}): armed per
 * chat for the duration of one request, it makes that request's completing write fail as if the
 * database were unreachable — every time, or only the first {@code count} times. Thread-safe.
 */
public final class DatabaseFaults {
    private static final int ALWAYS = -1;

    private final Map<ChatId, Integer> armed = new ConcurrentHashMap<>();

    public void arm(ChatId chatId, OptionalInt count) {
        armed.put(chatId, count.isPresent() ? count.getAsInt() : ALWAYS);
    }

    public void disarm(ChatId chatId) {
        armed.remove(chatId);
    }

    /** Whether the next write of the chat must fail; consumes one of a counted fault. */
    boolean nextWriteFails(ChatId chatId) {
        boolean[] fail = {false};
        armed.computeIfPresent(chatId, (chat, left) -> {
            if (left == ALWAYS) {
                fail[0] = true;
                return left;
            }
            if (left > 0) {
                fail[0] = true;
                return left - 1;
            }
            return left;
        });
        return fail[0];
    }
}
