package dev.parley.persistence.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.event.ChatEvent;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outbox on a real PostgreSQL: gap-free ids per chat in commit order, reads, heads, the purge. */
class ChatEventsJpaAdapterTest {
    private final ChatId chat = newChat();

    static ChatId newChat() {
        UUID user = Rows.newUser(10);
        UUID id = UUID.randomUUID();
        Rows.update("insert into chats (id, user_id, persona_id, title, created_at, last_activity_at)"
                + " values (?, ?, ?, 'events', now(), now())", id, user, Rows.CAPTAIN_MIRA);
        return new ChatId(id);
    }

    private static List<ChatEvent> append(ChatId chat, String... kinds) {
        List<ChatEvent.New> events = new ArrayList<>();
        for (String kind : kinds) {
            events.add(new ChatEvent.New(kind, "{\"k\":\"" + kind + "\"}"));
        }
        return PostgresFixture.inTransaction(em -> new ChatEventsJpaAdapter(em).append(chat, events));
    }

    private static List<ChatEvent> after(ChatId chat, long afterId, int limit) {
        return PostgresFixture.inTransaction(em -> new ChatEventsJpaAdapter(em).after(chat, afterId, limit));
    }

    private static Map<ChatId, Long> heads(List<ChatId> chats) {
        return PostgresFixture.inTransaction(em -> new ChatEventsJpaAdapter(em).heads(chats));
    }

    @Test
    void aChatsEventsAreNumberedFromOneWithoutAGapAcrossAppends() {
        List<ChatEvent> first = append(chat, "typing");
        List<ChatEvent> second = append(chat, "message", "message", "typing");

        assertThat(first).extracting(ChatEvent::id).containsExactly(1L);
        assertThat(second).extracting(ChatEvent::id).containsExactly(2L, 3L, 4L);
        assertThat(second).extracting(ChatEvent::kind).containsExactly("message", "message", "typing");
        assertThat(after(chat, 1, 10)).isEqualTo(second);
        assertThat(after(chat, 2, 1)).extracting(ChatEvent::id).containsExactly(3L);
    }

    @Test
    void anotherChatCountsOnItsOwnAndAMissingChatGetsNothing() {
        ChatId other = newChat();
        append(chat, "typing", "typing");
        assertThat(append(other, "typing")).extracting(ChatEvent::id).containsExactly(1L);
        assertThat(append(new ChatId(UUID.randomUUID()), "typing")).isEmpty();

        assertThat(heads(List.of(chat, other, new ChatId(UUID.randomUUID())))).containsOnly(Map.entry(chat, 2L), Map.entry(other, 1L));
    }

    @Test
    void aRolledBackAppendLeavesNoEventAndNoGap() {
        append(chat, "typing");
        assertThatThrownBy(() -> PostgresFixture.inTransaction(em -> {
            new ChatEventsJpaAdapter(em).append(chat, List.of(new ChatEvent.New("message", "{}")));
            throw new IllegalStateException("the turn failed");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(append(chat, "typing")).extracting(ChatEvent::id).containsExactly(2L);
    }

    @Test
    void concurrentAppendsToOneChatQueueOnTheChatAndGetGapFreeIds() throws Exception {
        int writers = 8;
        int each = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Long> commitOrder = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    // the id is taken inside the transaction, recorded after its commit: the lock on the
                    // chat makes the commits follow the ids
                    List<ChatEvent> appended = append(chat, "a", "b");
                    commitOrder.add(appended.get(1).id());
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(after(chat, 0, 1000)).extracting(ChatEvent::id)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 2L * writers * each).boxed().toList());
        assertThat(commitOrder).hasSize(writers * each).doesNotHaveDuplicates();
    }

    @Test
    void thePurgeDropsOldEventsButTheHeadStays() {
        append(chat, "typing", "typing", "typing");
        Rows.update("update chat_events set created_at = now() - interval '2 hours' where chat_id = ? and id <= 2",
                chat.value());

        Integer purged = PostgresFixture.inTransaction(em -> new ChatEventsJpaAdapter(em).purgeOlderThan(Duration.ofHours(1)));

        assertThat(purged).isGreaterThanOrEqualTo(2);
        assertThat(after(chat, 0, 10)).extracting(ChatEvent::id).containsExactly(3L);
        assertThat(heads(List.of(chat))).containsEntry(chat, 3L);
        assertThat(append(chat, "typing")).extracting(ChatEvent::id).containsExactly(4L);
    }
}
