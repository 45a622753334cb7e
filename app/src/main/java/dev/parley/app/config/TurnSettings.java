package dev.parley.app.config;

import dev.parley.application.chat.SendMessageService;
import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a chat turn costs and how much history it sends: {@code parley.tokens.cost-per-reply} and
 * {@code parley.ai.history-limit} (README "Configuration"), bound by MicroProfile Config.
 */
@ConfigProperties(prefix = "parley")
@Dependent
public class TurnSettings {
    @ConfigProperty(name = "tokens.cost-per-reply", defaultValue = "1")
    long costPerReply;
    @ConfigProperty(name = "ai.history-limit", defaultValue = "20")
    int historyLimit;

    /**
     * The use case's settings; {@code staleAfter} is derived from the retry deadline by the caller.
     *
     * @throws IllegalArgumentException naming the setting when a value is out of range
     */
    public SendMessageService.Settings toSettings(Duration staleAfter) {
        return ResilienceSettings.valid("parley.tokens.cost-per-reply / parley.ai.history-limit",
                () -> new SendMessageService.Settings(costPerReply, historyLimit, staleAfter));
    }
}
