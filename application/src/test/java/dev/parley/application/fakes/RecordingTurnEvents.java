package dev.parley.application.fakes;

import dev.parley.application.chat.TurnEvents;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Records turn events as short strings, e.g. {@code changed USER FAILED AI_PROVIDER_UNAVAILABLE}; once
 * {@link #throwing()}, every call is recorded and then throws, as a broken watcher would.
 */
public final class RecordingTurnEvents implements TurnEvents {
    private final List<String> events = new ArrayList<>();
    private final List<String> placed = new ArrayList<>();
    private IntSupplier transaction = () -> 0;
    private boolean throwing;

    /** Notes with every event the unit of work it came in ({@link #placed()}). */
    public synchronized RecordingTurnEvents placedIn(DirectUnitOfWork unitOfWork) {
        this.transaction = unitOfWork::current;
        return this;
    }

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
        add("changed " + userMessage.role() + " " + userMessage.status());
        add("changed " + reply.role() + " " + reply.status());
        record("ended " + requestId + " OK");
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** The events, each with {@code " @<n>"}: the unit of work it came in (0: none), see {@link #placedIn}. */
    public synchronized List<String> placed() {
        return List.copyOf(placed);
    }

    private void add(String event) {
        events.add(event);
        placed.add(event + " @" + transaction.getAsInt());
    }

    private void record(String event) {
        add(event);
        if (throwing) {
            throw new IllegalStateException("watcher broke on " + event);
        }
    }
}
