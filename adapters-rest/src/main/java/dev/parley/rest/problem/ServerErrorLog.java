package dev.parley.rest.problem;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Logs every answered problem exactly once, from the one place that answers it: a 5xx with its
 * cause and the request id, a 4xx quietly (FINE). The level says who must act:
 * <ul>
 *   <li>500 {@code INTERNAL_ERROR} (our fault, never expected): SEVERE with the full stack trace;</li>
 *   <li>502, 503, 504 (a provider, the database or an open breaker: expected, retryable, the
 *       service recovers by itself): WARNING with the cause chain on the same line (class and
 *       message of each cause), no stack trace, so an outage does not bury the log.</li>
 * </ul>
 * Content never reaches this log: messages of the core's exceptions never carry user content, and
 * the path is written with its ids replaced by {@code {id}} (a chat id appears in telemetry only as a
 * salted hash, so it must not appear here in clear). Thread-safe.
 */
public final class ServerErrorLog {
    static final Logger LOG = Logger.getLogger(ServerErrorLog.class.getName());
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern UNPRINTABLE = Pattern.compile("[^\\x21-\\x7e]");
    private static final int MAX_PATH = 200;

    private ServerErrorLog() {
    }

    /** Logs the problem answered to the request; {@code cause} may be null when there was none. */
    public static void answered(Problem problem, RequestInfo info, Throwable cause) {
        int status = problem.status();
        if (status < 500) {
            LOG.fine(() -> "request " + info.requestId() + " refused: " + status + " " + problem.code());
            return;
        }
        String message = "request " + info.requestId() + " " + loggablePath(info.path()) + " answered " + status + " "
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

    /** The request path with every UUID as {@code {id}}, unprintable characters as {@code ?}, cut at 200. */
    static String loggablePath(String path) {
        String safe = UNPRINTABLE.matcher(UUID.matcher(path).replaceAll("{id}")).replaceAll("?");
        return safe.length() > MAX_PATH ? safe.substring(0, MAX_PATH) + "..." : safe;
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
