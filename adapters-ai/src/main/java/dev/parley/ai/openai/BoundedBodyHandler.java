package dev.parley.ai.openai;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a provider's response body as UTF-8 text, but never more than {@code limit} bytes: the
 * provider cannot make us buffer an answer of any size. Bytes are counted as they arrive, one
 * buffer list at a time (backpressure: the next list is requested only after this one is copied);
 * at most {@code limit} bytes are ever kept.
 *
 * <ul>
 * <li>A 2xx answer is the reply: one that announces ({@code Content-Length}) or delivers more than
 * {@code limit} bytes fails with {@code AI_BAD_RESPONSE} at once and the rest is not read (the
 * subscription is cancelled, which closes the connection).</li>
 * <li>Any other answer is only looked at for its status, headers and error message: its body is
 * cut at {@code limit} bytes and the rest is not read, so a huge error page still maps by its
 * status (a 429 keeps its retry hint).</li>
 * </ul>
 * A body cut in the middle of a UTF-8 sequence decodes with a replacement character there.
 */
final class BoundedBodyHandler implements HttpResponse.BodyHandler<String> {
    private final int limit;

    BoundedBodyHandler(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 byte, not " + limit);
        }
        this.limit = limit;
    }

    @Override
    public HttpResponse.BodySubscriber<String> apply(HttpResponse.ResponseInfo info) {
        boolean reply = info.statusCode() >= 200 && info.statusCode() < 300;
        long announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new Subscriber(limit, reply, announced);
    }

    static ParleyException tooLarge(int limit) {
        return new ParleyException(ErrorCode.AI_BAD_RESPONSE,
                "the AI provider answered with a body over " + limit + " bytes");
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<String> {
        private final int limit;
        private final boolean failWhenTooLarge;
        private final long announced;
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private byte[] bytes;
        private int size;
        private Flow.Subscription subscription;

        Subscriber(int limit, boolean failWhenTooLarge, long announced) {
            this.limit = limit;
            this.failWhenTooLarge = failWhenTooLarge;
            this.announced = announced;
            this.bytes = new byte[announced >= 0 && announced <= limit ? (int) announced : Math.min(limit, 8192)];
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (failWhenTooLarge && announced > limit) {
                s.cancel();
                body.completeExceptionally(tooLarge(limit));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int room = limit - size;
                if (buffer.remaining() > room) {
                    subscription.cancel();
                    if (failWhenTooLarge) {
                        body.completeExceptionally(tooLarge(limit));
                    } else {
                        copy(buffer, room);
                        body.complete(text());
                    }
                    return;
                }
                copy(buffer, buffer.remaining());
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(text());
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        /** Appends {@code count} bytes of {@code buffer}; the array grows, at most to {@code limit}. */
        private void copy(ByteBuffer buffer, int count) {
            if (size + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + count, 2L * bytes.length)));
            }
            buffer.get(bytes, size, count);
            size += count;
        }

        private String text() {
            return new String(bytes, 0, size, StandardCharsets.UTF_8);
        }
    }
}
