package dev.parley.application.fakes;

import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.token.TokenWallet;
import dev.parley.domain.user.UserId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** An in-memory {@link TokenWallet}; refuses a second charge for the same reply like the real one. */
public final class InMemoryWallet implements TokenWallet {
    private final Map<UserId, Long> balances = new HashMap<>();
    private final Set<MessageId> charged = new HashSet<>();
    private ParleyException failure;

    public InMemoryWallet with(UserId user, long balance) {
        balances.put(user, balance);
        return this;
    }

    /** From now on every balance read fails with {@code failure} (a database that went away). */
    public synchronized InMemoryWallet failing(ParleyException failure) {
        this.failure = failure;
        return this;
    }

    @Override
    public synchronized long balance(UserId user) {
        if (failure != null) {
            throw failure;
        }
        return balances.getOrDefault(user, 0L);
    }

    @Override
    public synchronized long charge(UserId user, MessageId reply, long cost) {
        long balance = balance(user);
        if (balance < cost) {
            throw new ParleyException(ErrorCode.INSUFFICIENT_TOKENS, "low balance");
        }
        if (!charged.add(reply)) {
            throw new IllegalStateException("reply charged twice: " + reply);
        }
        balances.put(user, balance - cost);
        return balance - cost;
    }

    public synchronized int charges() {
        return charged.size();
    }
}
