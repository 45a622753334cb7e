package dev.parley.telemetry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Captures the lines written to the telemetry logger during a test. */
final class TelemetryLog implements BeforeEachCallback, AfterEachCallback {
    private final Logger logger = Logger.getLogger(JsonLogTelemetry.LOGGER_NAME);
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
    private Level previous;

    @Override
    public void beforeEach(ExtensionContext context) {
        records.clear();
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger.removeHandler(handler);
        logger.setLevel(previous);
        logger.setUseParentHandlers(true);
    }

    List<String> lines() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    List<Level> levels() {
        return records.stream().map(LogRecord::getLevel).toList();
    }
}
