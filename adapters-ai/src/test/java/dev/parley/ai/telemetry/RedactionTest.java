package dev.parley.ai.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void scrubsEmailAddresses() {
        assertThat(Redaction.scrub("contact jane.doe+chat@mail.example.co.uk today"))
                .isEqualTo("contact [email] today");
    }

    @Test
    void scrubsPhoneNumbersButKeepsShortNumbers() {
        assertThat(Redaction.scrub("call +1 (415) 555-0100 or 138 0013 8000, HTTP 401, 3 retries"))
                .isEqualTo("call [phone] or [phone], HTTP 401, 3 retries");
    }

    @Test
    void scrubsApiKeysAndBearerTokens() {
        assertThat(Redaction.scrub("Incorrect API key provided: sk-proj-abc123DEF456ghi789."))
                .isEqualTo("Incorrect API key provided: [key].");
        assertThat(Redaction.scrub("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"))
                .doesNotContain("eyJ").contains("[redacted]");
        assertThat(Redaction.scrub("bad api_key=abcd1234 and token: \"xyz987\""))
                .isEqualTo("bad api_key=[redacted] and token: \"[redacted]\"");
    }

    @Test
    void scrubsLongHexAndBase64TokensButNotLongWords() {
        assertThat(Redaction.scrub("id 0123456789abcdef0123456789abcdef done")).isEqualTo("id [token] done");
        assertThat(Redaction.scrub("sig dGhpcyBpcyBhIHNlY3JldCB0b2tlbjEyMw== end")).isEqualTo("sig [token] end");
        assertThat(Redaction.scrub("internationalization_of_the_platform_services"))
                .isEqualTo("internationalization_of_the_platform_services");
    }

    @Test
    void scrubsStringsTheCallerKnowsAreSecret() {
        assertThat(Redaction.scrub("you said 'meet me at noon' which is not allowed", List.of("meet me at noon", "ab")))
                .isEqualTo("you said '[redacted]' which is not allowed");
    }

    @Test
    void keepsOrdinaryTextAndCutsLongText() {
        assertThat(Redaction.scrub("The model `gpt-4o` does not exist")).isEqualTo("The model `gpt-4o` does not exist");
        assertThat(Redaction.scrub("line one\nline two")).isEqualTo("line one line two");
        assertThat(Redaction.scrub("word ".repeat(200))).hasSize(Redaction.MAX_LENGTH + 1).endsWith("…");
        assertThat(Redaction.scrub(null)).isNull();
    }
}
