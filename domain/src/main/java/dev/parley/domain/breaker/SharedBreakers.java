package dev.parley.domain.breaker;

import dev.parley.domain.chat.ChatId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Port to the breaker state the instances of a cluster share (docs/scale-out.md, "One circuit breaker
 * per chat across the cluster"): which chats' breakers are OPEN (or probing) cluster-wide, as rows the
 * instances write on their own transitions and read by one poll per interval. Times are durations
 * measured by the shared store's own clock, so instances whose clocks differ agree on what is left.
 *
 * <p>{@link ChatBreakerRegistry} calls it only for chats that already have a breaker entry (never on
 * the path of a healthy chat), and treats every failure of it (an exception, a failed stage) as
 * "nothing is shared": the breaker then works per instance until the store answers again.
 */
public interface SharedBreakers {

    /** Nothing is shared: each instance's breakers are its own. */
    SharedBreakers NONE = new SharedBreakers() {
        @Override
        public CompletionStage<SharedOpen> publishOpen(ChatId chat, Duration openFor) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("not shared"));
        }

        @Override
        public CompletionStage<Void> publishClose(ChatId chat) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public ProbeClaim claimProbe(ChatId chat, int permits) {
            return ProbeClaim.NOT_SHARED;
        }

        @Override
        public void releaseProbe(ChatId chat) {
            // nothing was claimed
        }

        @Override
        public List<SharedOpen> openBreakers() {
            return List.of();
        }
    };

    /**
     * The chat's breaker opened here for {@code openFor}. If the shared breaker is open already (another
     * instance opened it and its time is not over) it stays as it is; otherwise it opens now for
     * {@code openFor}, with a new generation and no probe. Completes with the shared breaker as it is
     * afterwards. Must not block the caller.
     */
    CompletionStage<SharedOpen> publishOpen(ChatId chat, Duration openFor);

    /**
     * A probe of the chat succeeded here: the shared breaker closes (its row goes), unless another
     * instance opened it again meanwhile (its open time is not over). Must not block the caller.
     */
    CompletionStage<Void> publishClose(ChatId chat);

    /**
     * Claims one of at most {@code permits} probes of the chat cluster-wide, once its open time is
     * over; a claim lapses after a lease, so a probe whose instance died does not hold it for ever.
     * One round trip; the caller waits for it.
     */
    ProbeClaim claimProbe(ChatId chat, int permits);

    /** Gives back a probe claimed here whose outcome said nothing about the provider. Must not block. */
    void releaseProbe(ChatId chat);

    /** Every shared breaker that is open or probing now: one round trip. */
    List<SharedOpen> openBreakers();
}
