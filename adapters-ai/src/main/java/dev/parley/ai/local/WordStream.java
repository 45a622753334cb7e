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
     * The pieces of {@code text}, together exactly the text: each word with the whitespace that follows
     * it (whitespace before the first word goes with it). Scripts written without spaces (Han, kana) go
     * a character at a time, as a model's tokens would, with the punctuation and whitespace that follow
     * it; so {@code 船长：遵命} is {@code 船}, {@code 长：}, {@code 遵}, {@code 命}.
     */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        boolean word = false;
        int previous = -1;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int current = text.codePointAt(i);
            boolean blank = Character.isWhitespace(current);
            if (!blank && word && startsAPiece(previous, current)) {
                pieces.add(text.substring(start, i));
                start = i;
            }
            word |= !blank;
            previous = current;
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    /** Whether the non-blank {@code current}, after {@code previous} and some word, starts a piece. */
    private static boolean startsAPiece(int previous, int current) {
        return Character.isWhitespace(previous)
                || Character.isLetterOrDigit(current) && (unspaced(current) || unspaced(previous));
    }

    /** A character of a script written without spaces between words. */
    private static boolean unspaced(int codePoint) {
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
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
