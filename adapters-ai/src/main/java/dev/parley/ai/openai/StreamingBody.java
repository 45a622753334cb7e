package dev.parley.ai.openai;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The body of a streamed chat completion, read as it arrives: UTF-8 decoded across buffer boundaries,
 * cut into lines (LF, CRLF or CR, as Server-Sent Events allow), each line handed to the
 * {@link ChatCompletionStream} at once; the body completes with its reply at the end of the stream.
 * The exchange is dropped (the subscription cancelled, which closes the connection) as soon as the
 * outcome is known: {@code [DONE]}, a failure the decoder reports, or, once the first piece of the
 * reply has gone to the deltas, a silence longer than {@code idle} between two pieces of the body
 * (keep-alive comments count as life), which is {@code AI_PROVIDER_TIMEOUT}. Before the first piece
 * the caller bounds the wait (the attempt timeout, {@link ProviderAttempt}). A connection that breaks
 * is the HTTP client's error (mapped by the caller). Buffers are requested one list at a time
 * (backpressure).
 */
final class StreamingBody implements HttpResponse.BodySubscriber<GeneratedReply> {
    private final ChatCompletionStream decoder;
    private final Duration idle;
    private final CompletableFuture<GeneratedReply> body = new CompletableFuture<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final StringBuilder line = new StringBuilder();
    private final CharBuffer chars = CharBuffer.allocate(8192);
    private ByteBuffer leftover = ByteBuffer.allocate(0);
    private boolean lastWasCr;
    private volatile Flow.Subscription subscription;
    private volatile long lastHeardNanos = System.nanoTime();
    private boolean watching;

    StreamingBody(ChatCompletionStream decoder, Duration idle) {
        this.decoder = decoder;
        this.idle = idle;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        try {
            for (ByteBuffer buffer : buffers) {
                decode(buffer, false);
            }
        } catch (ParleyException failure) {
            finish(failure);
            return;
        }
        if (decoder.done()) {
            finish(null);
            return;
        }
        if (!watching && decoder.started()) {
            watching = true;
            watch(idle.toNanos());
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        if (body.isDone()) {
            return;
        }
        try {
            decode(ByteBuffer.allocate(0), true);
            if (!line.isEmpty()) {
                decoder.line(line.toString());
                line.setLength(0);
            }
            body.complete(decoder.end());
        } catch (ParleyException failure) {
            body.completeExceptionally(failure);
        }
    }

    @Override
    public CompletionStage<GeneratedReply> getBody() {
        return body;
    }

    /** Done early: the reply (after {@code [DONE]}) or {@code failure}; the rest of the body is not read. */
    private void finish(ParleyException failure) {
        subscription.cancel();
        if (failure != null) {
            body.completeExceptionally(failure);
            return;
        }
        try {
            body.complete(decoder.end());
        } catch (ParleyException notAReply) {
            body.completeExceptionally(notAReply);
        }
    }

    private void decode(ByteBuffer buffer, boolean endOfInput) {
        ByteBuffer in = buffer;
        if (leftover.hasRemaining()) {
            in = ByteBuffer.allocate(leftover.remaining() + buffer.remaining()).put(leftover).put(buffer).flip();
        }
        while (true) {
            var result = utf8.decode(in, chars, endOfInput);
            chars.flip();
            lines();
            chars.clear();
            if (!result.isOverflow()) {
                break;
            }
        }
        if (endOfInput) {
            utf8.flush(chars);
            chars.flip();
            lines();
            chars.clear();
        }
        leftover = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : ByteBuffer.allocate(0);
    }

    private void lines() {
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (c == '\n' && lastWasCr) {
                lastWasCr = false; // the LF of a CRLF
                continue;
            }
            lastWasCr = c == '\r';
            if (c == '\n' || c == '\r') {
                String complete = line.toString();
                line.setLength(0);
                decoder.line(complete);
                if (decoder.done()) {
                    return;
                }
            } else {
                line.append(c);
            }
        }
    }

    /** Checks for silence after {@code delayNanos}, then again as long as the body is being read. */
    private void watch(long delayNanos) {
        Executor later = CompletableFuture.delayedExecutor(Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
        later.execute(() -> {
            if (body.isDone()) {
                return;
            }
            long silent = System.nanoTime() - lastHeardNanos;
            if (silent >= idle.toNanos()) {
                subscription.cancel();
                body.completeExceptionally(new ParleyException(ErrorCode.AI_PROVIDER_TIMEOUT,
                        "the AI provider's stream stalled for " + idle.toMillis() + " ms"));
            } else {
                watch(idle.toNanos() - silent);
            }
        });
    }
}
