package dev.parley.ai.local;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.resilience.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A local reply sent as a stream, so that streaming can be watched without a model: after
 * {@code latency} the reply is composed and its {@linkplain #pieces pieces} reach the deltas one every
 * {@code pace}, the first at once; the stage completes with the reply right after the last piece. A zero
 * pace sends every piece at once; a zero latency starts on the caller's thread. Every wait is a task on
 * the scheduler: no thread waits. Once the stage is complete (someone cancelled it), no piece follows.
 *
 * <p>Thread-safe; one stream's tasks run one after another.
 */
final class WordStream {
    /** The setting of the pace. */
    static final String PACE_KEY = "parley.ai.local.stream-delay-ms";
    private static final Pattern MILLIS = Pattern.compile("[0-9]{1,9}");

    private final Scheduler scheduler;
    private final Duration latency;
    private final Duration pace;

    WordStream(Scheduler scheduler, Duration latency, Duration pace) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.latency = Objects.requireNonNull(latency, "latency");
        this.pace = Objects.requireNonNull(pace, "pace");
    }

    /**
     * {@value #PACE_KEY} read from its setting: whole milliseconds, 0 or more.
     *
     * @throws IllegalStateException naming the key, for anything else (this is the startup error)
     */
    static Duration pace(String setting) {
        String value = setting == null ? "" : setting.strip();
        if (!MILLIS.matcher(value).matches()) {
            throw new IllegalStateException(PACE_KEY + " must be a whole number of milliseconds, 0 or more, not '"
                    + setting + "'");
        }
        return Duration.ofMillis(Long.parseLong(value));
    }

    /**
     * The pieces of {@code text}: each word with the whitespace that follows it (whitespace before the
     * first word goes with it); together exactly the text. A text without whitespace is one piece.
     */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        boolean word = false;
        for (int i = 0; i < text.length(); i++) {
            boolean blank = Character.isWhitespace(text.charAt(i));
            if (!blank && word && Character.isWhitespace(text.charAt(i - 1))) {
                pieces.add(text.substring(start, i));
                start = i;
            }
            word |= !blank;
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    /** Streams the reply {@code compose} writes (called once, after the latency) to {@code deltas}. */
    CompletionStage<GeneratedReply> stream(Supplier<GeneratedReply> compose, ReplyDeltas deltas) {
        CompletableFuture<GeneratedReply> result = new CompletableFuture<>();
        Runnable start = () -> guarded(result, () -> {
            GeneratedReply reply = compose.get();
            send(reply, pieces(reply.content()), 0, deltas, result);
        });
        if (latency.isZero() || latency.isNegative()) {
            start.run();
        } else {
            scheduler.schedule(latency, start);
        }
        return result;
    }

    private void send(GeneratedReply reply, List<String> pieces, int from, ReplyDeltas deltas,
            CompletableFuture<GeneratedReply> result) {
        for (int i = from; i < pieces.size(); i++) {
            if (result.isDone()) {
                return;
            }
            deltas.delta(pieces.get(i));
            int next = i + 1;
            if (!pace.isZero() && next < pieces.size()) {
                scheduler.schedule(pace, () -> guarded(result, () -> send(reply, pieces, next, deltas, result)));
                return;
            }
        }
        result.complete(reply);
    }

    private static void guarded(CompletableFuture<GeneratedReply> result, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
