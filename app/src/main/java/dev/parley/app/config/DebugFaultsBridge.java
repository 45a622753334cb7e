package dev.parley.app.config;

import dev.parley.ai.fault.FaultDirective;
import dev.parley.ai.fault.FaultInjection;
import dev.parley.ai.fault.FaultKind;
import dev.parley.ai.fault.InvalidFaultDirectiveException;
import dev.parley.ai.telemetry.Telemetry;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ValidationException;
import dev.parley.persistence.fault.DatabaseFaults;
import dev.parley.rest.debug.DebugFaults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Routes an {@code X-Debug-Force-Error} header to the adapter whose boundary the fault belongs to:
 * AI kinds to the AI adapter's {@link FaultInjection}, {@code database} to the persistence
 * adapter's {@link DatabaseFaults}.
 */
@ApplicationScoped
public class DebugFaultsBridge implements DebugFaults {
    private FaultInjection ai;
    private DatabaseFaults database;
    private Telemetry telemetry;

    protected DebugFaultsBridge() {
        // for CDI proxies
    }

    @Inject
    public DebugFaultsBridge(FaultInjection ai, DatabaseFaults database, Telemetry telemetry) {
        this.ai = ai;
        this.database = database;
        this.telemetry = telemetry;
    }

    @Override
    public Armed arm(ChatId chatId, String header) {
        if (header == null) {
            return Armed.NOTHING;
        }
        Optional<FaultDirective> directive;
        try {
            directive = ai.armFromHeader(chatId, header);
        } catch (InvalidFaultDirectiveException e) {
            throw new ValidationException(HEADER, ValidationException.Reason.MALFORMED);
        }
        if (directive.isEmpty()) {
            return Armed.NOTHING;
        }
        if (directive.get().kind() == FaultKind.DATABASE) {
            database.arm(chatId, directive.get().count());
        }
        return () -> {
            ai.disarm(chatId);
            database.disarm(chatId);
        };
    }

    /** Reports one injected database fault (the AI adapter reports its own). */
    void reportDatabaseFault(ChatId chatId) {
        telemetry.event("debug_fault_injected", Telemetry.fields("chat", telemetry.chatHash(chatId),
                "kind", FaultKind.DATABASE.headerName(), "boundary", "persistence"));
    }
}
