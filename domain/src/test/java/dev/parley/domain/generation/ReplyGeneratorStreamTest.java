package dev.parley.domain.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReplyGeneratorStreamTest {

    @Test
    void aProviderThatCannotStreamSendsItsWholeReplyAsOneDelta() {
        ReplyGenerator whole = request -> CompletableFuture.completedFuture(new GeneratedReply("all at once", "m"));
        List<String> deltas = new ArrayList<>();

        GeneratedReply reply = whole.stream(null, deltas::add).toCompletableFuture().join();

        assertThat(reply.content()).isEqualTo("all at once");
        assertThat(deltas).containsExactly("all at once");
    }

    @Test
    void aFailedAttemptSendsNothing() {
        ReplyGenerator failing = request -> CompletableFuture.failedFuture(
                new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "down"));
        List<String> deltas = new ArrayList<>();

        assertThat(failing.stream(null, deltas::add).toCompletableFuture()).isCompletedExceptionally();
        assertThat(deltas).isEmpty();
    }
}
