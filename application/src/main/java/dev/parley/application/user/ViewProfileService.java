package dev.parley.application.user;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;
import dev.parley.domain.user.Users;
import java.util.Objects;

public final class ViewProfileService implements ViewProfileUseCase {
    private final Users users;

    public ViewProfileService(Users users) {
        this.users = Objects.requireNonNull(users, "users");
    }

    @Override
    public User view(UserId caller) {
        return users.find(caller).orElseThrow(() -> new ParleyException(ErrorCode.UNAUTHENTICATED, "unknown caller"));
    }
}
