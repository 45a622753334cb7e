package dev.parley.rest.chat;

import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** The JAX-RS SSE API without a server: events are built as plain values and sinks record them. */
final class FakeSse implements Sse {
    /** A built event: id, name, comment, data, reconnect delay (-1 when unset). */
    record Event(String id, String name, String comment, Object data, long reconnectDelay) implements OutboundSseEvent {
        @Override
        public Class<?> getType() {
            return data == null ? null : data.getClass();
        }

        @Override
        public Type getGenericType() {
            return getType();
        }

        @Override
        public MediaType getMediaType() {
            return MediaType.TEXT_PLAIN_TYPE;
        }

        @Override
        public Object getData() {
            return data;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getComment() {
            return comment;
        }

        @Override
        public long getReconnectDelay() {
            return reconnectDelay;
        }

        @Override
        public boolean isReconnectDelaySet() {
            return reconnectDelay >= 0;
        }
    }

    /** A client: records what it was sent; {@link #block()} makes it stop reading (sends hang). */
    static final class Sink implements SseEventSink {
        final List<Event> received = new CopyOnWriteArrayList<>();
        private volatile boolean closed;
        private volatile CountDownLatch stuck;

        void block() {
            stuck = new CountDownLatch(1);
        }

        void unblock() {
            CountDownLatch latch = stuck;
            if (latch != null) {
                latch.countDown();
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            CountDownLatch latch = stuck;
            if (latch != null) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            received.add((Event) event);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }

        List<String> names() {
            return received.stream().map(e -> e.name() != null ? e.name() : ":" + e.comment()).toList();
        }
    }

    @Override
    public OutboundSseEvent.Builder newEventBuilder() {
        return new OutboundSseEvent.Builder() {
            private String id;
            private String name;
            private String comment;
            private Object data;
            private long reconnectDelay = -1;

            @Override
            public OutboundSseEvent.Builder id(String id) {
                this.id = id;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder name(String name) {
                this.name = name;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder reconnectDelay(long milliseconds) {
                this.reconnectDelay = milliseconds;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder mediaType(MediaType mediaType) {
                return this;
            }

            @Override
            public OutboundSseEvent.Builder comment(String comment) {
                this.comment = comment;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder data(Class type, Object data) {
                this.data = data;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder data(GenericType type, Object data) {
                this.data = data;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder data(Object data) {
                this.data = data;
                return this;
            }

            @Override
            public OutboundSseEvent build() {
                return new Event(id, name, comment, data, reconnectDelay);
            }
        };
    }

    @Override
    public SseBroadcaster newBroadcaster() {
        throw new UnsupportedOperationException();
    }
}
