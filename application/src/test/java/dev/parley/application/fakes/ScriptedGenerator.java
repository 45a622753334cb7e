package dev.parley.application.fakes;

import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link ReplyGenerator} that answers "re: content", after failing its first {@code n} calls (or
 * all of them) with a given exception; records every request.
 */
public final class ScriptedGenerator implements ReplyGenerator {
    private final List<GenerationRequest> requests = new ArrayList<>();
    private ParleyException failure;
    private int failuresLeft;

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

    @Override
    public synchronized CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        requests.add(request);
        if (failuresLeft > 0) {
            failuresLeft--;
            return CompletableFuture.failedFuture(failure);
        }
        return CompletableFuture.completedFuture(new GeneratedReply("re: " + request.userMessage().content(), "test"));
    }

    public synchronized List<GenerationRequest> requests() {
        return List.copyOf(requests);
    }
}
