package dev.parley.ai.openai;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how the OpenAI-compatible adapter calls the provider: the endpoint's base URL (the
 * adapter posts to {@code {base-url}/v1/chat/completions}), the API key (optional: some compatible
 * servers need none), the model, how many characters of chat history go with each request, and the
 * most tokens the provider may write for one reply ({@code max_tokens}; at least 1).
 *
 * <p>{@link #toString()} never shows the key.
 */
public record OpenAiSettings(URI baseUrl, Optional<String> apiKey, String model, int maxHistoryChars, int maxTokens) {
    public OpenAiSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(model, "model");
        if (maxHistoryChars < 1) {
            throw new IllegalArgumentException("parley.ai.openai.max-history-chars must be at least 1, not " + maxHistoryChars);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("parley.ai.openai.max-tokens must be at least 1, not " + maxTokens);
        }
    }

    /**
     * Settings from configuration values, failing with one message that names every missing or
     * wrong key (this is the startup error of {@code parley.ai.provider=openai} without an endpoint).
     */
    public static OpenAiSettings of(Optional<String> baseUrl, Optional<String> apiKey, Optional<String> model,
            int maxHistoryChars, int maxTokens) {
        List<String> problems = new ArrayList<>();
        Optional<String> url = baseUrl.map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> modelName = model.map(String::strip).filter(s -> !s.isEmpty());
        URI uri = null;
        if (url.isEmpty()) {
            problems.add("parley.ai.openai.base-url is not set (e.g. https://api.openai.com)");
        } else {
            uri = parse(url.get(), problems);
        }
        if (modelName.isEmpty()) {
            problems.add("parley.ai.openai.model is not set (e.g. gpt-4o-mini)");
        }
        if (maxHistoryChars < 1) {
            problems.add("parley.ai.openai.max-history-chars must be at least 1, not " + maxHistoryChars);
        }
        if (maxTokens < 1) {
            problems.add("parley.ai.openai.max-tokens must be at least 1, not " + maxTokens);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("parley.ai.provider=openai cannot start: " + String.join("; ", problems));
        }
        return new OpenAiSettings(uri, apiKey.map(String::strip).filter(s -> !s.isEmpty()), modelName.get(),
                maxHistoryChars, maxTokens);
    }

    /** {@code {base-url}/v1/chat/completions}. */
    public URI chatCompletionsUri() {
        String base = baseUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/v1/chat/completions");
    }

    @Override
    public String toString() {
        return "OpenAiSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)")
                + ", model=" + model + ", maxHistoryChars=" + maxHistoryChars + ", maxTokens=" + maxTokens + "]";
    }

    private static URI parse(String text, List<String> problems) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                problems.add("parley.ai.openai.base-url must be an absolute http(s) URL, not '" + text + "'");
                return null;
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                problems.add("parley.ai.openai.base-url must not have a query or fragment");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problems.add("parley.ai.openai.base-url is not a URL: " + e.getMessage());
            return null;
        }
    }
}
