package dev.parley.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiSettingsTest {

    @Test
    void missingBaseUrlAndModelAreNamedInOneStartupError() {
        assertThatThrownBy(() -> OpenAiSettings.of(Optional.empty(), Optional.of("k"), Optional.of("  "), 100, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("parley.ai.provider=openai")
                .hasMessageContaining("parley.ai.openai.base-url is not set")
                .hasMessageContaining("parley.ai.openai.model is not set")
                .hasMessageContaining("parley.ai.openai.max-tokens must be at least 1, not 0");
    }

    @Test
    void maxTokensMustBeAtLeastOne() {
        assertThatThrownBy(() -> OpenAiSettings.of(Optional.of("https://api.example.com"), Optional.empty(),
                Optional.of("m"), 100, -5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("parley.ai.provider=openai cannot start: parley.ai.openai.max-tokens must be at least 1, not -5");
        assertThat(OpenAiSettings.of(Optional.of("https://api.example.com"), Optional.empty(), Optional.of("m"), 100,
                OpenAiDefaults.MAX_TOKENS).maxTokens()).isEqualTo(1024);
    }

    @Test
    void aBaseUrlMustBeAnAbsoluteHttpUrl() {
        assertThatThrownBy(() -> OpenAiSettings.of(Optional.of("ftp://x"), Optional.empty(), Optional.of("m"), 100, 64))
                .hasMessageContaining("absolute http(s) URL");
        assertThatThrownBy(() -> OpenAiSettings.of(Optional.of("api.openai.com"), Optional.empty(), Optional.of("m"), 100, 64))
                .hasMessageContaining("absolute http(s) URL");
    }

    @Test
    void theEndpointIsTheBaseUrlPlusTheChatCompletionsPath() {
        assertThat(OpenAiSettings.of(Optional.of("https://api.example.com/"), Optional.empty(), Optional.of("m"), 1, 1)
                .chatCompletionsUri()).hasToString("https://api.example.com/v1/chat/completions");
        assertThat(OpenAiSettings.of(Optional.of("http://gateway:8080/openai"), Optional.empty(), Optional.of("m"), 1, 1)
                .chatCompletionsUri()).hasToString("http://gateway:8080/openai/v1/chat/completions");
    }

    @Test
    void theKeyNeverShowsInToString() {
        OpenAiSettings settings = OpenAiSettings.of(Optional.of("https://api.example.com"), Optional.of("sk-very-secret"),
                Optional.of("m"), 1, 1);

        assertThat(settings.toString()).doesNotContain("sk-very-secret").contains("apiKey=(set)");
        assertThat(settings.apiKey()).contains("sk-very-secret");
    }
}
