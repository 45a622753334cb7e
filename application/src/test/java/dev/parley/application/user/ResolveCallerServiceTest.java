package dev.parley.application.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.user.Subject;
import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserProfile;
import dev.parley.domain.user.Users;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResolveCallerServiceTest {
    /** Users keyed by subject, as the database's unique index keeps them. */
    private final Map<Subject, User> bySubject = new HashMap<>();
    private final Users users = new Users() {
        @Override
        public Optional<User> find(UserId id) {
            return bySubject.values().stream().filter(u -> u.id().equals(id)).findFirst();
        }

        @Override
        public UserId provision(Subject subject, UserProfile profile, long initialGrant, UserId newId) {
            return bySubject.computeIfAbsent(subject,
                    s -> new User(newId, profile.displayName(), profile.locale(), initialGrant)).id();
        }
    };
    private int next;
    private final ResolveCallerService service = new ResolveCallerService(users,
            () -> new UUID(0, ++next), 100);

    @Test
    void aNewSubjectBecomesAUserWithTheGrantAndCleanedClaims() {
        UserId id = service.resolve(new ResolveCallerCommand("kc-1", "Ada\u0000", null, "zh-TW"));

        User user = users.find(id).orElseThrow();
        assertThat(user.displayName()).isEqualTo("Ada");
        assertThat(user.locale()).isEqualTo("zh-TW");
        assertThat(user.tokenBalance()).isEqualTo(100);
    }

    @Test
    void aKnownSubjectIsTheSameUser() {
        UserId first = service.resolve(new ResolveCallerCommand("kc-1", "Ada", null, null));
        assertThat(service.resolve(new ResolveCallerCommand("kc-1", "Other", null, null))).isEqualTo(first);
        assertThat(service.resolve(new ResolveCallerCommand("kc-2", "Ada", null, null))).isNotEqualTo(first);
    }

    @Test
    void aKnownSubjectCostsNoSecondLookUp() {
        int[] lookUps = {0};
        Users counting = new Users() {
            @Override
            public Optional<User> find(UserId id) {
                return users.find(id);
            }

            @Override
            public UserId provision(Subject subject, UserProfile profile, long initialGrant, UserId newId) {
                lookUps[0]++;
                return users.provision(subject, profile, initialGrant, newId);
            }
        };
        ResolveCallerService remembering = new ResolveCallerService(counting, UUID::randomUUID, 100);
        UserId first = remembering.resolve(new ResolveCallerCommand("kc-9", null, null, null));
        assertThat(remembering.resolve(new ResolveCallerCommand("kc-9", null, null, null))).isEqualTo(first);
        assertThat(lookUps[0]).isEqualTo(1);
    }

    @Test
    void anUnusableSubjectIsUnauthenticated() {
        for (String subject : new String[] {null, "", "  ", "a\nb", "x".repeat(256)}) {
            assertThatThrownBy(() -> service.resolve(new ResolveCallerCommand(subject, "n", null, null)))
                    .isInstanceOf(ParleyException.class)
                    .extracting(e -> ((ParleyException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        }
        assertThat(bySubject).isEmpty();
    }

    @Test
    void aNegativeGrantIsRefused() {
        assertThatThrownBy(() -> new ResolveCallerService(users, UUID::randomUUID, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
