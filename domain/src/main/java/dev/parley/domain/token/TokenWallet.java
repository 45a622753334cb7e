package dev.parley.domain.token;

import dev.parley.domain.chat.MessageId;
import dev.parley.domain.user.UserId;

/**
 * Port: the user's token balance. A charge is bound to the reply it pays for, so the same reply
 * can never be charged twice.
 */
public interface TokenWallet {
    long balance(UserId user);

    /**
     * Deducts {@code cost} from the user's balance for {@code reply} and returns the new balance.
     *
     * @throws dev.parley.domain.error.ParleyException with {@code INSUFFICIENT_TOKENS} when the
     *         balance is lower than the cost (nothing is deducted)
     */
    long charge(UserId user, MessageId reply, long cost);
}
