package dev.parley.ai.provider;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The AI providers Parley can use ({@code parley.ai.provider}). */
public enum AiProvider {
    /** The built-in local provider: no network, deterministic, persona-aware (the default). */
    LOCAL,
    /** Any OpenAI-compatible chat-completions endpoint. */
    OPENAI;

    /** The provider named by a setting (case and surrounding blanks ignored), or a clear error. */
    public static AiProvider parse(String setting) {
        String name = setting == null ? "" : setting.strip().toLowerCase(Locale.ROOT);
        for (AiProvider provider : values()) {
            if (provider.settingValue().equals(name)) {
                return provider;
            }
        }
        throw new IllegalStateException("parley.ai.provider must be one of " + Arrays.stream(values())
                .map(AiProvider::settingValue).collect(Collectors.joining(", ")) + ", not '" + setting + "'");
    }

    /** How the provider is named in {@code parley.ai.provider}. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
