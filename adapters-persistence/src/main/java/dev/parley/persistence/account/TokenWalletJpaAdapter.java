package dev.parley.persistence.account;

import dev.parley.domain.chat.MessageId;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.token.TokenWallet;
import dev.parley.domain.user.UserId;
import dev.parley.persistence.tx.Jdbc;
import dev.parley.persistence.tx.TransactionReads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Optional;

/**
 * {@link TokenWallet} over JPA. A charge is a conditional update ({@code ... where balance >= cost},
 * so the balance can never go negative even under concurrent charges) plus a ledger row that is
 * unique per reply (so the same reply can never be charged twice), both in one statement
 * ({@link #CHARGE}, one round trip, after the caller's pending writes are flushed), in the caller's
 * transaction.
 */
@ApplicationScoped
@dev.parley.persistence.boundary.TranslateDatabaseFailures
@Transactional
public class TokenWalletJpaAdapter implements TokenWallet {
    /** Deducts {@code cost} unless the balance is lower and writes the ledger row; returns the new balance, or no row. */
    static final String CHARGE = "with charged as (update users set token_balance = token_balance - ?"
            + " where id = ? and token_balance >= ? returning token_balance)"
            + " insert into token_ledger (id, user_id, message_id, delta, balance_after, created_at)"
            + " select ?, ?, ?, -cast(? as bigint), token_balance, ? from charged"
            + " returning balance_after";

    private EntityManager em;
    private IdGenerator ids;
    private Clock clock;
    private TransactionReads reads;

    protected TokenWalletJpaAdapter() {
        // for CDI proxies
    }

    /** Keeps nothing across calls ({@link TransactionReads#NONE}). */
    public TokenWalletJpaAdapter(EntityManager em, IdGenerator ids, Clock clock) {
        this(em, ids, clock, TransactionReads.NONE);
    }

    @Inject
    public TokenWalletJpaAdapter(EntityManager em, IdGenerator ids, Clock clock, TransactionReads reads) {
        this.em = em;
        this.ids = ids;
        this.clock = clock;
        this.reads = reads;
    }

    /** Where a balance read with a chat is kept for the rest of the transaction (a charge forgets it). */
    public static TransactionReads.Key key(UserId user) {
        return new TransactionReads.Key("balance", user.value());
    }

    /** The balance; the one read with a chat in this transaction if there is one (ConversationsJpaAdapter.find). */
    @Override
    public long balance(UserId user) {
        Optional<Long> kept = reads.kept(key(user), Long.class);
        if (kept.isPresent()) {
            return kept.get();
        }
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
        em.flush(); // the reply first: the ledger row refers to it
        reads.forget(key(user));
        // one statement (plain JDBC, as every turn makes it: Jdbc): the user's row stays locked from
        // here to the commit only, so charges of the same user (several chats at once) queue for as
        // short a time as possible
        long balanceAfter = Jdbc.prepared(em, CHARGE, statement -> {
            statement.setLong(1, cost);
            statement.setObject(2, user.value());
            statement.setLong(3, cost);
            statement.setObject(4, ids.next());
            statement.setObject(5, user.value());
            statement.setObject(6, reply.value());
            statement.setLong(7, cost);
            statement.setObject(8, Jdbc.timestamp(clock.instant()));
            return Jdbc.firstLong(statement, -1);
        });
        if (balanceAfter < 0) {
            throw new ParleyException(ErrorCode.INSUFFICIENT_TOKENS, "balance lower than the cost of a reply");
        }
        return balanceAfter;
    }
}
