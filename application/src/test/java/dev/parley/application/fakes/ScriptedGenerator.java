package dev.parley.application.fakes;

import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link ReplyGenerator} that answers "re: content", after failing its first {@code n} calls (or
 * all of them) with a given exception; records every request. A streamed attempt writes the reply word
 * by word (each word with the space after it); a failing one writes its first
 * {@linkplain #piecesBeforeFailure pieces} first, and can still {@linkplain #writeLate write} after it
 * failed, as a provider that goes on after its attempt timed out.
 */
public final class ScriptedGenerator implements ReplyGenerator {
    private final List<GenerationRequest> requests = new ArrayList<>();
    private final List<ReplyDeltas> failedStreams = new ArrayList<>();
    private ParleyException failure;
    private int failuresLeft;
    private int piecesBeforeFailure;
    private int streamed;

    /** Every call fails with {@code e}. */
    public synchronized ScriptedGenerator failingWith(ParleyException e) {
        return failFirst(Integer.MAX_VALUE, e);
    }

    /** The next {@code n} calls fail with {@code e}, later ones succeed. */
    public synchronized ScriptedGenerator failFirst(int n, ParleyException e) {
        this.failure = e;
        this.failuresLeft = n;
        return this;
    }

    /** A failing streamed attempt writes this many pieces of its reply before it fails. */
    public synchronized ScriptedGenerator piecesBeforeFailure(int n) {
        this.piecesBeforeFailure = n;
        return this;
    }

    @Override
    public synchronized CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        requests.add(request);
        if (failuresLeft > 0) {
            failuresLeft--;
            return CompletableFuture.failedFuture(failure);
        }
        return CompletableFuture.completedFuture(reply(request));
    }

    @Override
    public synchronized CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas) {
        requests.add(request);
        streamed++;
        String[] pieces = reply(request).content().split("(?<= )");
        if (failuresLeft > 0) {
            failuresLeft--;
            for (int i = 0; i < Math.min(piecesBeforeFailure, pieces.length); i++) {
                deltas.delta(pieces[i]);
            }
            failedStreams.add(deltas);
            return CompletableFuture.failedFuture(failure);
        }
        for (String piece : pieces) {
            deltas.delta(piece);
        }
        return CompletableFuture.completedFuture(reply(request));
    }

    /** Every failed streamed attempt writes {@code text} after its end. */
    public void writeLate(String text) {
        List<ReplyDeltas> late;
        synchronized (this) {
            late = List.copyOf(failedStreams);
        }
        late.forEach(deltas -> deltas.delta(text));
    }

    /** How many attempts were streamed (the others were whole). */
    public synchronized int streamed() {
        return streamed;
    }

    private static GeneratedReply reply(GenerationRequest request) {
        return new GeneratedReply("re: " + request.userMessage().content(), "test");
    }

    public synchronized List<GenerationRequest> requests() {
        return List.copyOf(requests);
    }
}
