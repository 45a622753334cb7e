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
        OrderedLanes lanes = new OrderedLanes(executor, 8);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);

        IntStream.range(0, 2000).forEach(i -> lanes.submit("chat", () -> ran.add(i)));
        lanes.submit("chat", done::countDown);

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 2000).boxed().toList());
    }

    @Test
    void aBlockedTaskDelaysNeitherTheSubmitterNorOtherLanes() throws InterruptedException {
        OrderedLanes lanes = new OrderedLanes(executor, 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch otherLaneRan = new CountDownLatch(1);
        int stalledKey = 0;
        int otherKey = 1; // Integer.hashCode: keys 0 and 1 fall in different lanes of two

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
        OrderedLanes lanes = new OrderedLanes(executor, 1);
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
        }, 1);

        assertThatCode(() -> lanes.submit("chat", () -> { })).doesNotThrowAnyException();
    }
}
