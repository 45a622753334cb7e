package dev.parley.application.chat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.resilience.AttemptReport;
import dev.parley.domain.telemetry.GenerationTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Between a streamed turn's attempts and its {@link TurnObserver}: the pieces of the attempt under way
 * reach the observer in order; those of an attempt that has ended never do, since a provider may still
 * be writing after its attempt timed out or was cut off at the deadline, and the next attempt's text
 * must not mix with it; a failed attempt that will be tried again is announced after its last piece
 * went through. The first piece of each attempt is reported to telemetry (time to first token). One
 * per turn; thread-safe (the provider's thread writes pieces while the executor's reports an end).
 */
final class StreamedAttempts {
    private static final Logger LOG = Logger.getLogger(StreamedAttempts.class.getName());

    private final TurnObserver observer;
    private final GenerationTelemetry telemetry;
    private final String requestId;
    private final ChatId chatId;
    private final Clock clock;
    private int current; // the attempt whose pieces go through; 0 between attempts
    private Instant started;
    private boolean heard;

    StreamedAttempts(TurnObserver observer, GenerationTelemetry telemetry, String requestId, ChatId chatId, Clock clock) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.chatId = Objects.requireNonNull(chatId, "chatId");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Attempt {@code attempt} starts: where its pieces go. */
    synchronized ReplyDeltas open(int attempt) {
        current = attempt;
        started = clock.instant();
        heard = false;
        return text -> piece(attempt, text);
    }

    /** An attempt ended (as the executor reports it): its late pieces are dropped from now on. */
    synchronized void ended(AttemptReport report) {
        if (report.attempt() == current) {
            current = 0;
        }
        if (report.willRetry()) {
            tell(() -> observer.retrying(report.attempt(), report.code(), report.backoff()));
        }
    }

    private synchronized void piece(int attempt, String text) {
        if (attempt != current || text.isEmpty()) {
            return;
        }
        if (!heard) {
            heard = true;
            telemetry.firstDelta(requestId, chatId, attempt, Duration.between(started, clock.instant()));
        }
        tell(() -> observer.delta(attempt, text));
    }

    /** The sender's trouble never reaches the provider's thread nor the executor's. */
    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a turn's observer failed; the turn carries on", e);
        }
    }
}
