package dev.parley.ai.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures everything written to java.util.logging under {@code dev.parley} and the telemetry
 * logger ({@code parley.telemetry}) during a test, formatted as a log file would show it (message,
 * parameters and stack traces included).
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
    private final List<Logger> loggers = List.of(Logger.getLogger("dev.parley"), Logger.getLogger("parley.telemetry"));
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<Level> previousLevels = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        records.clear();
        previousLevels.clear();
        handler.setLevel(Level.ALL);
        for (Logger logger : loggers) {
            previousLevels.add(logger.getLevel());
            logger.setUseParentHandlers(false);
            logger.setLevel(Level.ALL);
            logger.addHandler(handler);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (int i = 0; i < loggers.size(); i++) {
            Logger logger = loggers.get(i);
            logger.removeHandler(handler);
            logger.setLevel(previousLevels.get(i));
            logger.setUseParentHandlers(true);
        }
    }

    /** Every captured line, formatted with its stack trace. */
    public String text() {
        SimpleFormatter formatter = new SimpleFormatter();
        return records.stream().map(formatter::format).collect(Collectors.joining());
    }

    /** The messages of the events named {@code event} (JSON lines of the telemetry logger). */
    public List<String> events(String event) {
        return records.stream().map(LogRecord::getMessage)
                .filter(m -> m.startsWith("{\"event\":\"" + event + "\""))
                .collect(Collectors.toList());
    }
}
