package dev.parley.rest.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderedLanesTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void tasksOfOneKeyRunInTheOrderTheyWereSubmitted() throws InterruptedException {
        OrderedLanes lanes = new OrderedLanes(executor);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);

        IntStream.range(0, 2000).forEach(i -> lanes.submit("chat", () -> ran.add(i)));
        lanes.submit("chat", done::countDown);

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 2000).boxed().toList());
    }

    @Test
    void aBlockedTaskDelaysNeitherTheSubmitterNorAnotherKeyWithTheSameHash() throws InterruptedException {
        OrderedLanes lanes = new OrderedLanes(executor);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch otherLaneRan = new CountDownLatch(1);
        String stalledKey = "Aa";
        String otherKey = "BB"; // the same hashCode as "Aa": a lane per key, not per hash bucket

        lanes.submit(stalledKey, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            lanes.submit(stalledKey, () -> { });
            lanes.submit(otherKey, otherLaneRan::countDown);
        });

        assertThat(otherLaneRan.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void aFailingTaskIsLoggedAndTheLaneGoesOn() throws InterruptedException {
        OrderedLanes lanes = new OrderedLanes(executor);
        CountDownLatch after = new CountDownLatch(1);

        lanes.submit("chat", () -> {
            throw new IllegalStateException("client gone");
        });
        lanes.submit("chat", after::countDown);

        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anExecutorThatRefusesWorkNeverReachesTheSubmitter() {
        OrderedLanes lanes = new OrderedLanes(task -> {
            throw new RejectedExecutionException("shutting down");
        });

        assertThatCode(() -> lanes.submit("chat", () -> { })).doesNotThrowAnyException();
    }

    @Test
    void aDrainedLaneIsDropped() throws InterruptedException {
        OrderedLanes lanes = new OrderedLanes(executor);
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            lanes.submit("chat-" + i, done::countDown);
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lanes.lanes() > 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThat(lanes.lanes()).isZero();
    }
}
