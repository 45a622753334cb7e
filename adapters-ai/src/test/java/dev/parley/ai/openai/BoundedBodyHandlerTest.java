package dev.parley.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** The body handler alone, fed by hand: what it requests, keeps and answers. */
class BoundedBodyHandlerTest {
    private static final int LIMIT = 100;

    /** A publisher's side of the subscription: counts requests and sees a cancel. */
    private static final class Upstream implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static HttpResponse.ResponseInfo info(int status, Map<String, List<String>> headers) {
        return new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(headers, (name, value) -> true);
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }

    private static List<ByteBuffer> bytes(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Throwable failureOf(HttpResponse.BodySubscriber<String> subscriber) {
        CompletableFuture<String> body = subscriber.getBody().toCompletableFuture();
        assertThat(body).isCompletedExceptionally();
        return body.handle((ok, e) -> e).join();
    }

    @Test
    void aBodyWithinTheLimitIsReadOneBufferListAtATime() {
        HttpResponse.BodySubscriber<String> subscriber = new BoundedBodyHandler(LIMIT).apply(info(200, Map.of()));
        Upstream upstream = new Upstream();

        subscriber.onSubscribe(upstream);
        assertThat(upstream.requested).isEqualTo(1);
        subscriber.onNext(bytes("a".repeat(60)));
        assertThat(upstream.requested).isEqualTo(2);
        subscriber.onNext(List.of(ByteBuffer.wrap("b".repeat(30).getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("好".getBytes(StandardCharsets.UTF_8)), ByteBuffer.allocate(0)));
        subscriber.onComplete();

        assertThat(subscriber.getBody().toCompletableFuture().join())
                .isEqualTo("a".repeat(60) + "b".repeat(30) + "好").hasSize(91);
        assertThat(upstream.cancelled).isFalse();
    }

    @Test
    void exactlyTheLimitIsStillABody() {
        HttpResponse.BodySubscriber<String> subscriber = new BoundedBodyHandler(LIMIT).apply(info(200, Map.of()));
        subscriber.onSubscribe(new Upstream());

        subscriber.onNext(bytes("c".repeat(LIMIT)));
        subscriber.onComplete();

        assertThat(subscriber.getBody().toCompletableFuture().join()).hasSize(LIMIT);
    }

    @Test
    void aReplyOverTheLimitIsABadResponseAndTheRestIsNotRequested() {
        HttpResponse.BodySubscriber<String> subscriber = new BoundedBodyHandler(LIMIT).apply(info(200, Map.of()));
        Upstream upstream = new Upstream();
        subscriber.onSubscribe(upstream);

        subscriber.onNext(bytes("d".repeat(LIMIT - 1)));
        subscriber.onNext(bytes("dd"));
        long requestedWhenCut = upstream.requested;
        subscriber.onNext(bytes("late")); // a publisher may still deliver what was in flight
        subscriber.onComplete();

        assertThat(upstream.cancelled).isTrue();
        assertThat(upstream.requested).isEqualTo(requestedWhenCut).isEqualTo(2);
        assertThat(failureOf(subscriber)).isInstanceOfSatisfying(ParleyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
            assertThat(e.getMessage()).contains("over " + LIMIT + " bytes");
        });
    }

    @Test
    void aReplyAnnouncedOverTheLimitIsRefusedBeforeAnyByteIsRead() {
        HttpResponse.BodySubscriber<String> subscriber = new BoundedBodyHandler(LIMIT)
                .apply(info(200, Map.of("Content-Length", List.of(String.valueOf(LIMIT + 1)))));
        Upstream upstream = new Upstream();

        subscriber.onSubscribe(upstream);

        assertThat(upstream.requested).isZero();
        assertThat(upstream.cancelled).isTrue();
        assertThat(failureOf(subscriber)).isInstanceOfSatisfying(ParleyException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE));
    }

    @Test
    void anErrorBodyOverTheLimitIsCutSoItsStatusStillCounts() {
        HttpResponse.BodySubscriber<String> subscriber = new BoundedBodyHandler(LIMIT)
                .apply(info(503, Map.of("Content-Length", List.of("1000000"))));
        Upstream upstream = new Upstream();
        subscriber.onSubscribe(upstream);

        subscriber.onNext(bytes("e".repeat(LIMIT - 10)));
        subscriber.onNext(bytes("f".repeat(50)));

        assertThat(upstream.cancelled).isTrue();
        assertThat(subscriber.getBody().toCompletableFuture().join())
                .isEqualTo("e".repeat(LIMIT - 10) + "f".repeat(10));
    }

    @Test
    void aTransportErrorFailsTheBodyAsItIs() {
        HttpResponse.BodySubscriber<String> subscriber = new BoundedBodyHandler(LIMIT).apply(info(200, Map.of()));
        subscriber.onSubscribe(new Upstream());
        IOException reset = new IOException("connection reset");

        subscriber.onError(reset);

        assertThat(failureOf(subscriber)).isSameAs(reset);
    }
}
