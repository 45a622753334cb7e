package dev.parley.persistence.tx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransactionReadsTest {
    private final FakeRegistry registry = new FakeRegistry();
    private final TransactionReads reads = FakeRegistry.readsOn(registry);
    private final TransactionReads.Key balance = new TransactionReads.Key("balance", 7);

    @Test
    void keepsWhatATransactionReadUntilItEndsAndNothingOutsideOne() {
        reads.keep(balance, 100L);
        assertThat(reads.kept(balance, Long.class)).isEmpty();

        registry.begin();
        reads.keep(balance, 100L);
        assertThat(reads.kept(balance, Long.class)).contains(100L);
        assertThat(reads.kept(new TransactionReads.Key("balance", 8), Long.class)).isEmpty();
        assertThat(reads.kept(new TransactionReads.Key("persona", 7), Long.class)).isEmpty();
        registry.end();

        registry.begin();
        assertThat(reads.kept(balance, Long.class)).isEmpty();
    }

    @Test
    void aForgottenValueIsReadAgainAndAValueOfAnotherTypeIsNotAnswered() {
        registry.begin();
        reads.keep(balance, 100L);
        assertThat(reads.kept(balance, String.class)).isEmpty();

        reads.forget(balance);

        assertThat(reads.kept(balance, Long.class)).isEmpty();
    }

    @Test
    void noneKeepsNothingEvenInATransaction() {
        registry.begin();
        TransactionReads.NONE.keep(balance, 100L);

        assertThat(TransactionReads.NONE.kept(balance, Long.class)).isEmpty();
    }
}
