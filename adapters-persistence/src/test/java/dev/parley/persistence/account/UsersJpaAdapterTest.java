package dev.parley.persistence.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.user.Subject;
import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserProfile;
import dev.parley.persistence.PostgresFixture;
import dev.parley.persistence.Rows;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UsersJpaAdapterTest {

    private static UserId provision(Subject subject, UserProfile profile, long grant) {
        return PostgresFixture.inTransaction(em -> new UsersJpaAdapter(em)
                .provision(subject, profile, grant, new UserId(UUID.randomUUID())));
    }

    @Test
    void theFirstRequestOfASubjectCreatesItsUserWithTheGrantAndLaterOnesFindIt() {
        Subject subject = new Subject("kc:" + UUID.randomUUID());

        UserId first = provision(subject, new UserProfile("Ada", "zh"), 100);
        UserId again = provision(subject, new UserProfile("Someone else", "en"), 500);

        assertThat(again).isEqualTo(first);
        User user = PostgresFixture.inTransaction(em -> new UsersJpaAdapter(em).find(first)).orElseThrow();
        assertThat(user.displayName()).as("the first profile wins").isEqualTo("Ada");
        assertThat(user.locale()).isEqualTo("zh");
        assertThat(user.tokenBalance()).as("granted once").isEqualTo(100);
    }

    /** Many first requests of one subject at the same moment, each in its own transaction: one user, one grant. */
    @Test
    void concurrentFirstRequestsOfOneSubjectProvisionExactlyOneUser() throws Exception {
        int racers = 16;
        for (int round = 0; round < 5; round++) {
            Subject subject = new Subject("race:" + UUID.randomUUID());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                List<Future<UserId>> ids = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    ids.add(pool.submit(() -> {
                        start.await();
                        return provision(subject, new UserProfile("Racer", "en"), 100);
                    }));
                }
                start.countDown();
                Set<UserId> distinct = new HashSet<>();
                for (Future<UserId> id : ids) {
                    distinct.add(id.get(30, TimeUnit.SECONDS));
                }
                assertThat(distinct).as("every racer gets the same user").hasSize(1);
                assertThat(Rows.count("select count(*) from users where subject = ?", subject.value())).isEqualTo(1);
                assertThat(Rows.queryLong("select token_balance from users where subject = ?", subject.value()))
                        .as("the initial grant, exactly once").isEqualTo(100);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
