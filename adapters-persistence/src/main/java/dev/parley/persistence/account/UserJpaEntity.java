package dev.parley.persistence.account;

import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

@Entity(name = "UserJpaEntity")
@Table(name = "users")
class UserJpaEntity {
    @Id
    UUID id;

    @Column(nullable = false, updatable = false)
    String subject;

    @Column(name = "display_name", nullable = false)
    String displayName;

    @Column(nullable = false)
    String locale;

    @Column(name = "token_balance", nullable = false)
    long tokenBalance;

    protected UserJpaEntity() {
    }

    User toDomain() {
        return new User(new UserId(id), displayName, locale, tokenBalance);
    }
}
