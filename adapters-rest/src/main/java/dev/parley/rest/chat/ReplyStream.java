package dev.parley.rest.chat;

import dev.parley.application.chat.ChatTurn;
import dev.parley.application.chat.TurnObserver;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.rest.chat.Json.ChatGenerationSuccess;
import dev.parley.rest.chat.Json.DeltaJson;
import dev.parley.rest.chat.Json.MessageJson;
import dev.parley.rest.chat.Json.RetryingJson;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * One streamed send's answer, as Server-Sent Events on the sender's own response: {@code accepted}
 * (the stored user message), then {@code delta} ({@code {"attempt": n, "text": "..."}}) as the reply is
 * written, a {@code retrying} ({@code {"attempt": n, "errorCode": "...", "backoffMs": n}}) after an
 * attempt that failed and will be tried again (its text is void), and last {@code completed} (the JSON
 * path's 201 body) or {@code failed} (the JSON path's problem body), after which the stream is closed.
 *
 * <p>The turn's threads only queue events: they are written one at a time, in order, on the executor
 * ({@link OrderedLanes}), so a client that stops reading holds up its own stream only, never the
 * provider. A client that hangs up loses the rest of its stream and nothing else: the turn goes on,
 * its reply is stored and charged once, and reaches the chat's watchers and a same-key retry.
 */
final class ReplyStream implements TurnObserver {
    private final SseEventSink sink;
    private final Sse sse;
    private final Function<Object, String> toJson;
    private final OrderedLanes lanes;
    private volatile MessageId stored;
    private volatile boolean accepted;
    private volatile boolean gone;

    ReplyStream(SseEventSink sink, Sse sse, Function<Object, String> toJson, OrderedLanes lanes) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.sse = Objects.requireNonNull(sse, "sse");
        this.toJson = Objects.requireNonNull(toJson, "toJson");
        this.lanes = Objects.requireNonNull(lanes, "lanes");
    }

    @Override
    public void stored(MessageId userMessageId) {
        stored = userMessageId;
    }

    @Override
    public void accepted(Message userMessage) {
        accepted = true;
        write("accepted", MessageJson.of(userMessage));
    }

    @Override
    public boolean streaming() {
        return true;
    }

    @Override
    public void delta(int attempt, String text) {
        write("delta", new DeltaJson(attempt, text));
    }

    @Override
    public void retrying(int attempt, ErrorCode code, Duration backoff) {
        write("retrying", new RetryingJson(attempt, code.name(), backoff.toMillis()));
    }

    /** The user message's id, once the turn is known (for a problem that must name it). */
    MessageId storedMessage() {
        return stored;
    }

    /** Whether the stream has started (an {@code accepted} event is on its way): a problem now is an event. */
    boolean started() {
        return accepted;
    }

    /** The turn ended with its reply: the last event. */
    void completed(ChatTurn turn) {
        write("completed", ChatGenerationSuccess.of(turn));
        end();
    }

    /** The turn failed: the last event carries the problem's JSON body. */
    void failed(String problemJson) {
        lanes.submit(this, () -> send(event("failed", problemJson)));
        end();
    }

    private void write(String name, Object data) {
        lanes.submit(this, () -> send(event(name, toJson.apply(data))));
    }

    private OutboundSseEvent event(String name, String json) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, json)
                .build();
    }

    private void end() {
        lanes.submit(this, this::leave);
    }

    /** On the lane: the client may have left, or leave while this is written. */
    private void send(OutboundSseEvent event) {
        if (gone || sink.isClosed()) {
            leave();
            return;
        }
        try {
            sink.send(event).whenComplete((ok, error) -> {
                if (error != null) {
                    leave();
                }
            });
        } catch (RuntimeException clientGone) {
            leave();
        }
    }

    private void leave() {
        gone = true;
        try {
            sink.close();
        } catch (RuntimeException alreadyGone) {
            // the client is gone either way
        }
    }
}
