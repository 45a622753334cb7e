package dev.parley.application.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.application.limit.UserQuotas.Permit;
import dev.parley.application.limit.UserRateLimitedException.Limit;
import dev.parley.domain.testing.MutableClock;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserSends;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The decisions of the shared limits over a scripted store (the store's queries: UserSendsJpaAdapterTest). */
class SharedUserQuotasTest {
    private static final UserId ALICE = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final Duration MAX_HOLD = Duration.ofSeconds(55);

    private final MutableClock clock = new MutableClock();
    private final ScriptedSends sends = new ScriptedSends();
    private final SharedUserQuotas quotas = new SharedUserQuotas(UserLimits.DEFAULTS, sends,
            new InMemoryUserQuotas(UserLimits.DEFAULTS, clock, MAX_HOLD), clock, MAX_HOLD);

    /** What the store answers, and what it was asked. */
    private static final class ScriptedSends implements UserSends {
        Usage usage = new Usage(0, 0, Optional.empty());
        final List<String> calls = new ArrayList<>();

        @Override
        public Usage lockAndCount(UserId user, Instant windowStart, Instant generatingSince) {
            calls.add("lockAndCount " + user.value() + " " + windowStart + " " + generatingSince);
            return usage;
        }

        @Override
        public void record(UserId user, Instant at) {
            calls.add("record " + user.value() + " " + at);
        }

        @Override
        public int forget(Instant before) {
            calls.add("forget " + before);
            return 0;
        }
    }

    @Test
    void asksTheStoreForTheLastMinuteAndTheTurnsYoungerThanTheLongestHold() {
        quotas.admitSend(ALICE);

        Instant now = clock.instant();
        assertThat(sends.calls).containsExactly("lockAndCount " + ALICE.value() + " " + now.minusSeconds(60) + " "
                + now.minusSeconds(55));
    }

    @Test
    void aSendIsRecordedOnlyOnceItIsStoredAtItsAdmissionTime() {
        Instant admittedAt = clock.instant();
        Permit permit = quotas.admitSend(ALICE);
        clock.advanceMillis(40);

        permit.stored();
        permit.stored();
        permit.release();
        permit.withdraw();

        assertThat(sends.calls).hasSize(2).last().isEqualTo("record " + ALICE.value() + " " + admittedAt);
    }

    @Test
    void aSendThatIsNotStoredLeavesNoRecord() {
        quotas.admitSend(ALICE).withdraw();

        assertThat(sends.calls).singleElement().asString().startsWith("lockAndCount");
    }

    @Test
    void fourTurnsGeneratingRefuseTheFifthForTwoSeconds() {
        sends.usage = new UserSends.Usage(4, 4, Optional.of(clock.instant().minusSeconds(3)));

        assertThatThrownBy(() -> quotas.admitSend(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
            assertThat(e.limit()).isEqualTo(Limit.IN_FLIGHT);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        });
        assertThat(sends.calls).noneMatch(call -> call.startsWith("record"));
    }

    @Test
    void thirtySendsInTheMinuteRefuseUntilTheOldestLeavesIt() {
        sends.usage = new UserSends.Usage(0, 30, Optional.of(clock.instant().minusMillis(59_250)));

        assertThatThrownBy(() -> quotas.admitSend(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
            assertThat(e.limit()).isEqualTo(Limit.SENDS_PER_MINUTE);
            assertThat(e.max()).isEqualTo(30);
            assertThat(e.retryAfter()).contains(Duration.ofMillis(750));
        });
    }

    @Test
    void whenBothRefuseTheLongerWaitIsReported() {
        sends.usage = new UserSends.Usage(4, 30, Optional.of(clock.instant().minusSeconds(20)));

        assertThatThrownBy(() -> quotas.admitSend(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
            assertThat(e.limit()).isEqualTo(Limit.SENDS_PER_MINUTE);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(40));
        });
        sends.usage = new UserSends.Usage(4, 30, Optional.of(clock.instant().minusMillis(59_000)));
        assertThatThrownBy(() -> quotas.admitSend(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class,
                e -> assertThat(e.limit()).isEqualTo(Limit.IN_FLIGHT));
    }

    @Test
    void belowBothLimitsTheSendIsAdmitted() {
        sends.usage = new UserSends.Usage(3, 29, Optional.of(clock.instant().minusSeconds(1)));

        assertThat(quotas.admitSend(ALICE)).isNotNull();
    }

    @Test
    void eventStreamsAreCountedPerInstance() {
        List<Permit> open = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            open.add(quotas.openStream(ALICE));
        }
        assertThatThrownBy(() -> quotas.openStream(ALICE)).isInstanceOfSatisfying(UserRateLimitedException.class,
                e -> assertThat(e.limit()).isEqualTo(Limit.EVENT_STREAMS));
        open.get(0).release();
        assertThat(quotas.openStream(ALICE)).isNotNull();
        assertThat(sends.calls).isEmpty();
    }

    @Test
    void oldSendsAreForgottenAfterTheWindow() {
        quotas.forgetOldSends();

        assertThat(sends.calls).containsExactly("forget " + clock.instant().minusSeconds(60));
    }
}
