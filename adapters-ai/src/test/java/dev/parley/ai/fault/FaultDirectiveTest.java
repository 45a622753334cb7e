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
        "database|DATABASE|0", "stream_cut|STREAM_CUT|0", "  Rate_Limited ; count=2 |RATE_LIMITED|2", "timeout;count=1|TIMEOUT|1",
        "bad_response; COUNT = 100|BAD_RESPONSE|100"})
    void parsesTheKindAndTheOptionalCount(String header, FaultKind kind, int count) {
        FaultDirective directive = FaultDirective.parse(header);

        assertThat(directive.kind()).isEqualTo(kind);
        assertThat(directive.count()).isEqualTo(count == 0 ? OptionalInt.empty() : OptionalInt.of(count));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "stream_cut; after=3|0|3", "stream_cut; after=3; count=2|2|3", "stream_cut;count=2;after=3|2|3",
        " STREAM_CUT ; AFTER = 1000 |0|1000", "stream_cut; count=1|1|0"})
    void parsesAfterAndCountOfAStreamCutInAnyOrder(String header, int count, int after) {
        FaultDirective directive = FaultDirective.parse(header);

        assertThat(directive.kind()).isEqualTo(FaultKind.STREAM_CUT);
        assertThat(directive.count()).isEqualTo(count == 0 ? OptionalInt.empty() : OptionalInt.of(count));
        assertThat(directive.after()).isEqualTo(after == 0 ? OptionalInt.empty() : OptionalInt.of(after));
        assertThat(directive.piecesBeforeCut()).isEqualTo(after == 0 ? 1 : after);
    }

    @Test
    void printsItselfInHeaderForm() {
        assertThat(FaultDirective.parse("RATE_LIMITED;count=2")).hasToString("rate_limited; count=2");
        assertThat(FaultDirective.always(FaultKind.TIMEOUT)).hasToString("timeout");
        assertThat(FaultDirective.parse("stream_cut;after=3;count=2")).hasToString("stream_cut; count=2; after=3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "explode", "timeout; count", "timeout; count=", "timeout; count=0", "timeout; count=-1",
            "timeout; count=two", "timeout; count=101", "timeout; count=99999999999", "timeout; retries=2", "timeout;;",
            "timeout; count=1; count=2", "; count=2", "timeout count=2", "stream_cut; after", "stream_cut; after=0",
            "stream_cut; after=1001", "stream_cut; after=three", "stream_cut; after=1; after=2", "stream_cut; after=2;",
            "stream_cut; after=2; retries=1", "timeout; after=2"})
    void rejectsGarbageWithAClearMessage(String header) {
        assertThatThrownBy(() -> FaultDirective.parse(header)).isInstanceOf(InvalidFaultDirectiveException.class)
                .hasMessageMatching("(?s).*(expected|count must|after must|unknown|at most once|stream_cut only).*");
    }

    @Test
    void namesTheAllowedKindsWhenTheKindIsUnknown() {
        assertThatThrownBy(() -> FaultDirective.parse("meltdown"))
                .hasMessage("unknown fault kind 'meltdown'; expected one of timeout, unavailable, rate_limited, bad_response, "
                        + "stream_cut, database");
        assertThatThrownBy(() -> FaultDirective.parse(null)).isInstanceOf(InvalidFaultDirectiveException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "timeout; after=2|after=<n> applies to stream_cut only, not to timeout",
        "stream_cut; after=0|after must be between 1 and 1000, not 0",
        "stream_cut; after=1001|after must be between 1 and 1000, not 1001",
        "stream_cut; after=3x|after must be a whole number between 1 and 1000, not '3x'",
        "stream_cut; after=1; after=2|after=<n> may be given at most once",
        "timeout; count=1; count=2|count=<n> may be given at most once",
        "stream_cut; after=2; retries=1|unknown parameter 'retries'; only count=<n> or after=<n> is allowed",
        "timeout; retries=1|unknown parameter 'retries'; only count=<n> is allowed",
        "timeout;;|expected count=<n> after ';', not an empty parameter",
        "stream_cut; count=2;|expected count=<n> or after=<n> after ';', not an empty parameter"})
    void saysExactlyWhatIsWrongWithAParameter(String header, String message) {
        assertThatThrownBy(() -> FaultDirective.parse(header)).isInstanceOf(InvalidFaultDirectiveException.class)
                .hasMessage(message);
    }
}
