package dev.parley.application.user;

import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.user.Subject;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserProfile;
import dev.parley.domain.user.Users;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves the subject of a verified token to its user, provisioning it on first sight. Known subjects
 * are remembered (at most {@value #REMEMBERED} of them, least recently used first out), so that an
 * ordinary request costs no database round trip for its caller; users are never deleted or re-keyed,
 * so a remembered id cannot go stale.
 */
public final class ResolveCallerService implements ResolveCallerUseCase {
    static final int REMEMBERED = 10_000;

    private final Map<Subject, UserId> known = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Subject, UserId> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final Users users;
    private final IdGenerator ids;
    private final long initialGrant;

    /** @param initialGrant the tokens a new user starts with (at least 0) */
    public ResolveCallerService(Users users, IdGenerator ids, long initialGrant) {
        this.users = Objects.requireNonNull(users, "users");
        this.ids = Objects.requireNonNull(ids, "ids");
        if (initialGrant < 0) {
            throw new IllegalArgumentException("the initial grant must not be negative: " + initialGrant);
        }
        this.initialGrant = initialGrant;
    }

    @Override
    public UserId resolve(ResolveCallerCommand command) {
        if (!Subject.isValid(command.subject())) {
            throw new ParleyException(ErrorCode.UNAUTHENTICATED, "the token's subject is missing or unusable");
        }
        Subject subject = new Subject(command.subject());
        synchronized (known) {
            UserId remembered = known.get(subject);
            if (remembered != null) {
                return remembered;
            }
        }
        UserId id = users.provision(subject,
                UserProfile.fromClaims(command.name(), command.preferredUsername(), command.locale()),
                initialGrant, new UserId(ids.next()));
        synchronized (known) {
            known.put(subject, id);
        }
        return id;
    }
}
