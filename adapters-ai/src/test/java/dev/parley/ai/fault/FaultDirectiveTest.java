package dev.parley.ai.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FaultDirectiveTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "timeout|TIMEOUT|0", "unavailable|UNAVAILABLE|0", "rate_limited|RATE_LIMITED|0", "bad_response|BAD_RESPONSE|0",
        "database|DATABASE|0", "  Rate_Limited ; count=2 |RATE_LIMITED|2", "timeout;count=1|TIMEOUT|1",
        "bad_response; COUNT = 100|BAD_RESPONSE|100"})
    void parsesTheKindAndTheOptionalCount(String header, FaultKind kind, int count) {
        FaultDirective directive = FaultDirective.parse(header);

        assertThat(directive.kind()).isEqualTo(kind);
        assertThat(directive.count()).isEqualTo(count == 0 ? OptionalInt.empty() : OptionalInt.of(count));
    }

    @Test
    void printsItselfInHeaderForm() {
        assertThat(FaultDirective.parse("RATE_LIMITED;count=2")).hasToString("rate_limited; count=2");
        assertThat(FaultDirective.always(FaultKind.TIMEOUT)).hasToString("timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "explode", "timeout; count", "timeout; count=", "timeout; count=0", "timeout; count=-1",
            "timeout; count=two", "timeout; count=101", "timeout; count=99999999999", "timeout; retries=2", "timeout;;",
            "timeout; count=1; count=2", "; count=2", "timeout count=2"})
    void rejectsGarbageWithAClearMessage(String header) {
        assertThatThrownBy(() -> FaultDirective.parse(header)).isInstanceOf(InvalidFaultDirectiveException.class)
                .hasMessageMatching("(?s).*(expected|count must|unknown|at most one).*");
    }

    @Test
    void namesTheAllowedKindsWhenTheKindIsUnknown() {
        assertThatThrownBy(() -> FaultDirective.parse("meltdown"))
                .hasMessage("unknown fault kind 'meltdown'; expected one of timeout, unavailable, rate_limited, bad_response, database");
        assertThatThrownBy(() -> FaultDirective.parse(null)).isInstanceOf(InvalidFaultDirectiveException.class);
    }
}
