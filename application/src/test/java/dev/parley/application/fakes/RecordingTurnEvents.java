package dev.parley.application.fakes;

import dev.parley.application.chat.TurnEvents;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records turn events as short strings, e.g. {@code changed USER FAILED AI_PROVIDER_UNAVAILABLE}; once
 * {@link #throwing()}, every call is recorded and then throws, as a broken watcher would.
 */
public final class RecordingTurnEvents implements TurnEvents {
    private final List<String> events = new ArrayList<>();
    private boolean throwing;

    public synchronized RecordingTurnEvents throwing() {
        this.throwing = true;
        return this;
    }

    @Override
    public synchronized void generationStarted(ChatId chatId, String requestId) {
        record("started " + requestId);
    }

    @Override
    public synchronized void messageChanged(Message message) {
        record("changed " + message.role() + " " + message.status()
                + message.errorCode().map(code -> " " + code).orElse(""));
    }

    @Override
    public synchronized void generationEnded(ChatId chatId, String requestId, Optional<ErrorCode> failure) {
        record("ended " + requestId + " " + failure.map(ErrorCode::name).orElse("OK"));
    }

    /** Records the turn's three events as the port's default would send them, then throws once if throwing. */
    @Override
    public synchronized void turnCompleted(Message userMessage, Message reply, String requestId) {
        events.add("changed " + userMessage.role() + " " + userMessage.status());
        events.add("changed " + reply.role() + " " + reply.status());
        record("ended " + requestId + " OK");
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    private void record(String event) {
        events.add(event);
        if (throwing) {
            throw new IllegalStateException("watcher broke on " + event);
        }
    }
}
