package dev.parley.application.user;

import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.user.Subject;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.UserProfile;
import dev.parley.domain.user.Users;
import java.util.Objects;

public final class ResolveCallerService implements ResolveCallerUseCase {
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
        return users.provision(new Subject(command.subject()),
                UserProfile.fromClaims(command.name(), command.preferredUsername(), command.locale()),
                initialGrant, new UserId(ids.next()));
    }
}
