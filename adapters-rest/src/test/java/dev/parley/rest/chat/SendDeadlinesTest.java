package dev.parley.rest.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendDeadlinesTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final SendDeadlines deadlines = new SendDeadlines(now::get, Duration.ofNanos(100));
    private final List<String> timedOut = new ArrayList<>();

    @Test
    void aSendNotAnsweredByItsDeadlineTimesOutOnceAndLeavesTheQueue() {
        deadlines.watch(() -> timedOut.add("a"));
        now.addAndGet(99);
        deadlines.sweep();
        assertThat(timedOut).isEmpty();

        now.addAndGet(1);
        deadlines.sweep();
        deadlines.sweep();
        assertThat(timedOut).containsExactly("a");
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void anAnsweredSendNeverTimesOutAndTheTimeoutWinsOverALateAnswer() {
        SendDeadlines.Deadline answered = deadlines.watch(() -> timedOut.add("answered"));
        SendDeadlines.Deadline late = deadlines.watch(() -> timedOut.add("late"));
        assertThat(answered.met()).isTrue();
        assertThat(answered.met()).as("met once only").isFalse();

        now.addAndGet(100);
        deadlines.sweep();
        assertThat(timedOut).containsExactly("late");
        assertThat(late.met()).as("the timeout answered it").isFalse();
    }

    @Test
    void aSweepStopsAtTheFirstDeadlineStillAhead() {
        deadlines.watch(() -> timedOut.add("first"));
        now.addAndGet(50);
        deadlines.watch(() -> timedOut.add("second"));
        now.addAndGet(50);
        deadlines.sweep();
        assertThat(timedOut).containsExactly("first");
        assertThat(deadlines.size()).isEqualTo(1);

        now.addAndGet(50);
        deadlines.sweep();
        assertThat(timedOut).containsExactly("first", "second");
    }

    @Test
    void aFailingTimeoutActionDoesNotStopTheSweep() {
        deadlines.watch(() -> {
            throw new IllegalStateException("response already gone");
        });
        deadlines.watch(() -> timedOut.add("next"));
        now.addAndGet(100);
        deadlines.sweep();
        assertThat(timedOut).containsExactly("next");
    }
}
