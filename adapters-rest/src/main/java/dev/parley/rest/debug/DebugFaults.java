package dev.parley.rest.debug;

import dev.parley.domain.chat.ChatId;

/**
 * The REST side of debug fault injection (docs/architecture.md#fault-injection): arms what an
 * {@code X-Debug-Force-Error} header asks for, for one request of one chat ({@link DebugFaultsFilter}
 * calls it around the requests of {@link ArmsDebugFaults} methods). When debug is disabled the header
 * is ignored (and reported once as {@code debug_header_ignored}).
 */
public interface DebugFaults {
    String HEADER = "X-Debug-Force-Error";

    /** What {@link #arm} armed; closing disarms it. */
    interface Armed extends AutoCloseable {
        Armed NOTHING = () -> { };

        @Override
        void close();
    }

    /**
     * Arms the fault for the chat's current request, {@code requestId} (which its telemetry events carry).
     *
     * @throws dev.parley.domain.error.ValidationException when debug is enabled and the header is not
     *         {@code <kind>[; count=<n>]}
     */
    Armed arm(ChatId chatId, String requestId, String header);
}
