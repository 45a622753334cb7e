package dev.parley.persistence.account;

import dev.parley.domain.chat.MessageId;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.token.TokenWallet;
import dev.parley.domain.user.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;

/**
 * {@link TokenWallet} over JPA. A charge is a conditional update ({@code ... where balance >= cost},
 * so the balance can never go negative even under concurrent charges) plus a ledger row that is
 * unique per reply (so the same reply can never be charged twice). Both happen in the caller's
 * transaction.
 */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class TokenWalletJpaAdapter implements TokenWallet {
    private EntityManager em;
    private IdGenerator ids;
    private Clock clock;

    protected TokenWalletJpaAdapter() {
        // for CDI proxies
    }

    @Inject
    public TokenWalletJpaAdapter(EntityManager em, IdGenerator ids, Clock clock) {
        this.em = em;
        this.ids = ids;
        this.clock = clock;
    }

    @Override
    public long balance(UserId user) {
        UserJpaEntity entity = em.find(UserJpaEntity.class, user.value());
        if (entity == null) {
            throw new ParleyException(ErrorCode.UNAUTHENTICATED, "unknown user");
        }
        return entity.tokenBalance;
    }

    @Override
    public long charge(UserId user, MessageId reply, long cost) {
        if (cost <= 0) {
            throw new IllegalArgumentException("cost must be positive: " + cost);
        }
        int updated = em.createQuery("update UserJpaEntity u set u.tokenBalance = u.tokenBalance - :cost"
                        + " where u.id = :id and u.tokenBalance >= :cost")
                .setParameter("cost", cost)
                .setParameter("id", user.value())
                .executeUpdate();
        if (updated == 0) {
            throw new ParleyException(ErrorCode.INSUFFICIENT_TOKENS, "balance lower than the cost of a reply");
        }
        long balanceAfter = em.createQuery("select u.tokenBalance from UserJpaEntity u where u.id = :id", Long.class)
                .setParameter("id", user.value())
                .getSingleResult();
        em.persist(new LedgerEntryJpaEntity(ids.next(), user.value(), reply.value(), -cost, balanceAfter,
                clock.instant()));
        em.flush();
        return balanceAfter;
    }
}
