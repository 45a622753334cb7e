package dev.parley.ai.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AiProviderTest {

    @Test
    void parsesTheSettingIgnoringCaseAndBlanks() {
        assertThat(AiProvider.parse("local")).isEqualTo(AiProvider.LOCAL);
        assertThat(AiProvider.parse(" OpenAI ")).isEqualTo(AiProvider.OPENAI);
    }

    @Test
    void anUnknownProviderIsAClearStartupError() {
        assertThatThrownBy(() -> AiProvider.parse("claude"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("parley.ai.provider must be one of local, openai, not 'claude'");
    }
}
