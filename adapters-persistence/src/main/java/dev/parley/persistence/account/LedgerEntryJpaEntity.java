package dev.parley.persistence.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One charge: unique per reply message, which makes charging a reply twice impossible. */
@Entity(name = "LedgerEntryJpaEntity")
@Table(name = "token_ledger")
class LedgerEntryJpaEntity {
    @Id
    UUID id;

    @Column(name = "user_id", nullable = false)
    UUID userId;

    @Column(name = "message_id", nullable = false, unique = true)
    UUID messageId;

    @Column(nullable = false)
    long delta;

    @Column(name = "balance_after", nullable = false)
    long balanceAfter;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    protected LedgerEntryJpaEntity() {
    }

    LedgerEntryJpaEntity(UUID id, UUID userId, UUID messageId, long delta, long balanceAfter, Instant createdAt) {
        this.id = id;
        this.userId = userId;
        this.messageId = messageId;
        this.delta = delta;
        this.balanceAfter = balanceAfter;
        this.createdAt = createdAt;
    }
}
