package dev.parley.app.config;

import dev.parley.ai.fault.FaultDirective;
import dev.parley.ai.fault.FaultInjection;
import dev.parley.ai.fault.FaultKind;
import dev.parley.ai.fault.InvalidFaultDirectiveException;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import dev.parley.persistence.fault.DatabaseFaults;
import dev.parley.rest.debug.DebugFaults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes an {@code X-Debug-Force-Error} header to the adapter whose boundary the fault belongs to:
 * AI kinds to the AI adapter's {@link FaultInjection}, {@code database} to the persistence
 * adapter's {@link DatabaseFaults}. It remembers which request armed a chat's database fault, so
 * that the fault's event carries that request's id.
 */
@ApplicationScoped
public class DebugFaultsBridge implements DebugFaults {
    private FaultInjection ai;
    private DatabaseFaults database;
    private TelemetryEvents telemetry;
    private final Map<ChatId, String> databaseFaultRequests = new ConcurrentHashMap<>();

    protected DebugFaultsBridge() {
        // for CDI proxies
    }

    @Inject
    public DebugFaultsBridge(FaultInjection ai, DatabaseFaults database, TelemetryEvents telemetry) {
        this.ai = ai;
        this.database = database;
        this.telemetry = telemetry;
    }

    @Override
    public Armed arm(ChatId chatId, String requestId, String header) {
        if (header == null) {
            return Armed.NOTHING;
        }
        Optional<FaultDirective> directive;
        try {
            directive = ai.armFromHeader(chatId, requestId, header);
        } catch (InvalidFaultDirectiveException e) {
            throw new ValidationException(HEADER, ValidationException.Reason.MALFORMED);
        }
        if (directive.isEmpty()) {
            return Armed.NOTHING;
        }
        if (directive.get().kind() == FaultKind.DATABASE) {
            if (requestId != null) {
                databaseFaultRequests.put(chatId, requestId);
            }
            database.arm(chatId, directive.get().count());
        }
        return () -> {
            ai.disarm(chatId);
            database.disarm(chatId);
            databaseFaultRequests.remove(chatId);
        };
    }

    /** Reports one injected database fault (the AI adapter reports its own). */
    void reportDatabaseFault(ChatId chatId) {
        telemetry.emit(TelemetryEvent.info("debug_fault_injected")
                .requestId(databaseFaultRequests.get(chatId))
                .chat(chatId)
                .with("kind", FaultKind.DATABASE.headerName())
                .with("boundary", "persistence")
                .build());
    }
}
