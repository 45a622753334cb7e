package dev.parley.ai.provider;

import dev.parley.ai.local.LocalReplyGenerator;
import dev.parley.ai.openai.OpenAiConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which AI provider serves the {@code ReplyGenerator} port ({@code parley.ai.provider}, default
 * {@code local}); the composition root asks {@link #provider()} and builds the chosen one.
 *
 * <p>The choice is checked when the application starts: an unknown provider, {@code openai}
 * without {@code parley.ai.openai.base-url} / {@code .model} or with a wrong setting, or {@code local}
 * with a wrong {@code parley.ai.local.stream-delay-ms}, stops the deployment with a message that names
 * the keys, instead of failing the first chat.
 */
@ApplicationScoped
public class AiProviderSettings {
    private static final Logger LOG = Logger.getLogger(AiProviderSettings.class.getName());

    @Inject
    @ConfigProperty(name = "parley.ai.provider", defaultValue = "local")
    String provider;

    @Inject
    OpenAiConfiguration openAi;

    @Inject
    LocalReplyGenerator local;

    /** The chosen provider. */
    public AiProvider provider() {
        return AiProvider.parse(provider);
    }

    void checkAtStartup(@Observes Startup startup) {
        AiProvider chosen = provider();
        String details = chosen == AiProvider.OPENAI
                ? ", " + openAi.settings() + ", attempt timeout " + openAi.attemptTimeout()
                        + ", stream idle timeout " + openAi.streamIdleTimeout()
                : ", stream delay " + local.streamDelay();
        LOG.info("AI provider: " + chosen.settingValue() + details);
    }
}
