package dev.parley.rest.chat;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * Opens {@link ReplyStream}s: their events are rendered by one JSON-B instance and written on the
 * managed executor, each stream's in order ({@link OrderedLanes}).
 */
@ApplicationScoped
public class ReplyStreams {
    @Resource
    ManagedExecutorService executor;
    private Jsonb jsonb;
    private OrderedLanes lanes;

    @PostConstruct
    void start() {
        jsonb = JsonbBuilder.create();
        lanes = new OrderedLanes(executor);
    }

    @PreDestroy
    void stop() {
        try {
            jsonb.close();
        } catch (Exception e) {
            // nothing held that outlives the application
        }
    }

    ReplyStream open(SseEventSink sink, Sse sse) {
        return new ReplyStream(sink, sse, jsonb::toJson, lanes);
    }
}
