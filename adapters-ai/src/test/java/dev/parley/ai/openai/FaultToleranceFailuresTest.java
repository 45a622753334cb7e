package dev.parley.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceDefinitionException;
import org.junit.jupiter.api.Test;

class FaultToleranceFailuresTest {
    private static final Duration DELAY = Duration.ofSeconds(30);

    @Test
    void anOpenProviderBreakerIsUnavailableUntilItsDelayIsOver() {
        ParleyException e = FaultToleranceFailures.translate(new CircuitBreakerOpenException("open"), DELAY);

        assertThat(e.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(e.retryAfter()).contains(DELAY);
    }

    @Test
    void aFullBulkheadIsUnavailableForAMoment() {
        ParleyException e = FaultToleranceFailures.translate(new BulkheadException("full"), DELAY);

        assertThat(e.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
    }

    @Test
    void domainFailuresPassUnchangedAndAnythingElseIsInternal() {
        ParleyException rateLimited = new ParleyException(ErrorCode.AI_RATE_LIMITED, "429", Duration.ofSeconds(3));

        assertThat(FaultToleranceFailures.translate(new CompletionException(rateLimited), DELAY)).isSameAs(rateLimited);
        assertThat(FaultToleranceFailures.translate(new FaultToleranceDefinitionException("bad"), DELAY).code())
                .isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(FaultToleranceFailures.translate(new IllegalStateException(), DELAY).code())
                .isEqualTo(ErrorCode.INTERNAL_ERROR);
    }
}
