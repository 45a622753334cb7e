package dev.parley.application.fakes;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.retry.RetryMeta;
import dev.parley.domain.telemetry.GenerationTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records telemetry calls as short strings, e.g. {@code attempt r1 #2 FAILED AI_PROVIDER_UNAVAILABLE}. */
public final class RecordingTelemetry implements GenerationTelemetry {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void started(String requestId, ChatId chatId) {
        events.add("started " + requestId);
    }

    @Override
    public synchronized void charged(String requestId, long tokens) {
        events.add("charged " + requestId + " " + tokens);
    }

    @Override
    public synchronized void firstDelta(String requestId, ChatId chatId, int attempt, Duration sinceAttemptStart) {
        events.add("firstDelta " + requestId + " #" + attempt + " " + sinceAttemptStart.toMillis() + "ms");
    }

    @Override
    public synchronized void attempt(String requestId, AttemptReport report) {
        events.add("attempt " + requestId + " #" + report.attempt() + " " + report.outcome()
                + (report.code() == null ? "" : " " + report.code()));
    }

    @Override
    public synchronized void completed(String requestId, ChatId chatId, ErrorCode failure, RetryMeta meta,
            boolean replayed) {
        events.add("completed " + requestId + " " + (failure == null ? "OK" : failure.name())
                + (replayed ? " replayed" : "") + (meta == null ? "" : " attempts=" + meta.attempts()));
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }
}
