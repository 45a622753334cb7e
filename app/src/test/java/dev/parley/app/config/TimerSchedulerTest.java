package dev.parley.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.resilience.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimerSchedulerTest {
    private final List<String> ranOn = new CopyOnWriteArrayList<>();
    /** Stands in for the managed executor: records that the work went through it. */
    private final Executor work = task -> {
        Thread worker = new Thread(task, "work");
        worker.start();
    };
    private final List<Thread> timerThreads = new CopyOnWriteArrayList<>();
    private final TimerScheduler scheduler = new TimerScheduler(task -> {
        Thread timer = new Thread(task, "timer");
        timerThreads.add(timer);
        return timer;
    }, work);

    @AfterEach
    void close() {
        scheduler.close();
    }

    @Test
    void aTaskRunsAfterItsDelayOnTheWorkExecutorNotTheTimer() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(2);
        scheduler.schedule(Duration.ofMillis(20), () -> {
            ranOn.add(Thread.currentThread().getName());
            done.countDown();
        });
        scheduler.schedule(Duration.ZERO, () -> {
            ranOn.add(Thread.currentThread().getName());
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn).containsExactly("work", "work");
    }

    @Test
    void aCancelledTaskNeverRunsAndLeavesNothingQueued() throws InterruptedException {
        Scheduler.Cancellable cancelled = scheduler.schedule(Duration.ofMillis(50), () -> ranOn.add("cancelled"));
        cancelled.cancel();
        CountDownLatch later = new CountDownLatch(1);
        scheduler.schedule(Duration.ofMillis(100), later::countDown);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn).isEmpty();
    }

    @Test
    void nothingRunsAfterClose() throws InterruptedException {
        scheduler.schedule(Duration.ofMillis(30), () -> ranOn.add("after close"));
        scheduler.close();
        assertThat(timerThreads).as("scheduling started the timer thread").isNotEmpty();
        // once the timer thread has ended, nothing it held can ever be handed to the work executor
        for (Thread timer : timerThreads) {
            timer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(timer.isAlive()).as("the timer thread ends with close()").isFalse();
        }
        assertThat(ranOn).isEmpty();
    }
}
