package dev.parley.rest.problem;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logs every answered problem exactly once, from the one place that answers it: a 5xx with its
 * cause and the request id, a 4xx quietly (FINE). The level says who must act:
 * <ul>
 *   <li>500 {@code INTERNAL_ERROR} (our fault, never expected): SEVERE with the full stack trace;</li>
 *   <li>502, 503, 504 (a provider, the database or an open breaker: expected, retryable, the
 *       service recovers by itself): WARNING with the cause chain on the same line (class and
 *       message of each cause), no stack trace, so an outage does not bury the log.</li>
 * </ul>
 * Content never reaches this log: messages of the core's exceptions never carry user content.
 * Thread-safe.
 */
public final class ServerErrorLog {
    static final Logger LOG = Logger.getLogger(ServerErrorLog.class.getName());

    private ServerErrorLog() {
    }

    /** Logs the problem answered to the request; {@code cause} may be null when there was none. */
    public static void answered(Problem problem, RequestInfo info, Throwable cause) {
        int status = problem.status();
        if (status < 500) {
            LOG.fine(() -> "request " + info.requestId() + " refused: " + status + " " + problem.code());
            return;
        }
        String message = "request " + info.requestId() + " " + info.path() + " answered " + status + " "
                + problem.code();
        LogRecord record;
        if (status == 500) {
            record = new LogRecord(Level.SEVERE, message + " (unexpected)");
            record.setThrown(cause);
        } else {
            record = new LogRecord(Level.WARNING, message + (cause == null ? "" : ", cause: " + chain(cause)));
        }
        record.setLoggerName(LOG.getName());
        LOG.log(record);
    }

    /** {@code Type: message <- Type: message ...}, outermost first, at most 8 causes. */
    static String chain(Throwable cause) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = cause; t != null && depth < 8; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (depth > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getName());
            if (t.getMessage() != null) {
                out.append(": ").append(t.getMessage().replaceAll("\\s+", " "));
            }
        }
        return out.toString();
    }
}
