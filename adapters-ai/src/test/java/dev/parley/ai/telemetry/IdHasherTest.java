package dev.parley.ai.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdHasherTest {
    private final ChatId chat = new ChatId(UUID.fromString("3f2a0000-0000-4000-8000-000000000001"));

    @Test
    void theSameSaltGivesTheSameShortHashAndNeverTheId() {
        Telemetry one = Telemetry.withSalt("salt-a");

        assertThat(one.chatHash(chat)).isEqualTo(Telemetry.withSalt("salt-a").chatHash(chat)).matches("[0-9a-f]{16}")
                .doesNotContain("3f2a");
        assertThat(Telemetry.withSalt("salt-b").chatHash(chat)).isNotEqualTo(one.chatHash(chat));
    }
}
