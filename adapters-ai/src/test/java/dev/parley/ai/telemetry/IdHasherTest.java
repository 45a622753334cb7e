package dev.parley.ai.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdHasherTest {
    private final ChatId chat = new ChatId(UUID.fromString("3f2a0000-0000-4000-8000-000000000001"));

    @Test
    void isTheSameFunctionAsTheRestAdaptersPseudonyms() throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update("salt-a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        byte[] expected = sha.digest(chat.value().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(new IdHasher("salt-a").hash(chat.value())).isEqualTo(java.util.HexFormat.of().formatHex(expected, 0, 8));
    }

    @Test
    void theSameSaltGivesTheSameShortHashAndNeverTheId() {
        Telemetry one = Telemetry.withSalt("salt-a");

        assertThat(one.chatHash(chat)).isEqualTo(Telemetry.withSalt("salt-a").chatHash(chat)).matches("[0-9a-f]{16}")
                .doesNotContain("3f2a");
        assertThat(Telemetry.withSalt("salt-b").chatHash(chat)).isNotEqualTo(one.chatHash(chat));
    }
}
