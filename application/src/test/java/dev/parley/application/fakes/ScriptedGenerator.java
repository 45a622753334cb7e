package dev.parley.application.fakes;

import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A {@link ReplyGenerator} that answers "re: content", or fails with a given exception; records its requests. */
public final class ScriptedGenerator implements ReplyGenerator {
    private final List<GenerationRequest> requests = new ArrayList<>();
    private ParleyException failure;

    public ScriptedGenerator failingWith(ParleyException e) {
        this.failure = e;
        return this;
    }

    @Override
    public synchronized CompletionStage<GeneratedReply> generate(GenerationRequest request) {
        requests.add(request);
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        return CompletableFuture.completedFuture(new GeneratedReply("re: " + request.userMessage().content(), "test"));
    }

    public synchronized List<GenerationRequest> requests() {
        return List.copyOf(requests);
    }
}
