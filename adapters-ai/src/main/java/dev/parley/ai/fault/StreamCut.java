package dev.parley.ai.fault;

import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One streamed attempt cut mid-way ({@code stream_cut}): the provider's first {@code pieces} deltas pass,
 * and right after the last of them the attempt fails with the injected failure, as a stream that broke
 * would. A provider stream that ends before that many pieces is cut at its end; one that fails first
 * keeps its own failure (nothing is injected then). What the provider sends after the cut is dropped:
 * no delta passes once the attempt has failed. The provider's stream itself runs on to its end (the
 * port cannot stop it).
 *
 * <p>One per attempt; the provider's deltas come one at a time, in order.
 */
final class StreamCut {
    private final int pieces;
    private final Supplier<ParleyException> injected;
    private final CompletableFuture<GeneratedReply> result = new CompletableFuture<>();
    private int passed;
    private boolean cut;

    private StreamCut(int pieces, Supplier<ParleyException> injected) {
        this.pieces = pieces;
        this.injected = injected;
    }

    /** A cut after {@code pieces} deltas, failing with what {@code injected} reports (called once, at the cut). */
    static StreamCut after(int pieces, Supplier<ParleyException> injected) {
        if (pieces < 1) {
            throw new IllegalArgumentException("a stream is cut after at least one piece, not " + pieces);
        }
        return new StreamCut(pieces, injected);
    }

    /** Streams the attempt from {@code provider} to {@code deltas}, cut as described. */
    CompletionStage<GeneratedReply> stream(ReplyGenerator provider, GenerationRequest request, ReplyDeltas deltas) {
        provider.stream(request, text -> piece(text, deltas))
                .whenComplete((reply, error) -> fail(error == null ? injected : () -> error));
        return result;
    }

    private void piece(String text, ReplyDeltas deltas) {
        boolean last;
        synchronized (this) {
            if (cut) {
                return;
            }
            deltas.delta(text);
            passed++;
            last = passed == pieces;
        }
        if (last) {
            fail(injected);
        }
    }

    private void fail(Supplier<? extends Throwable> failure) {
        synchronized (this) {
            if (cut) {
                return;
            }
            cut = true;
        }
        result.completeExceptionally(failure.get());
    }
}
