package dev.parley.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdHasherTest {
    private final ChatId chat = new ChatId(UUID.fromString("3f2a0000-0000-4000-8000-000000000001"));

    @Test
    void isTheFirstSixteenHexDigitsOfTheSaltedSha256() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("salt-a".getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        byte[] expected = sha.digest(chat.value().toString().getBytes(StandardCharsets.UTF_8));

        assertThat(new IdHasher("salt-a").hash(chat.value())).isEqualTo(HexFormat.of().formatHex(expected, 0, 8));
    }

    @Test
    void theSameSaltGivesTheSameShortHashAndNeverTheId() {
        IdHasher one = new IdHasher("salt-a");

        assertThat(one.hash(chat.value())).isEqualTo(new IdHasher("salt-a").hash(chat.value()))
                .matches("[0-9a-f]{16}").doesNotContain("3f2a");
        assertThat(new IdHasher("salt-b").hash(chat.value())).isNotEqualTo(one.hash(chat.value()));
    }

    @Test
    void withoutASaltEachStartHashesDifferently() {
        assertThat(IdHasher.withSaltOrRandom(Optional.of(" ")).hash(chat.value()))
                .isNotEqualTo(IdHasher.withSaltOrRandom(Optional.empty()).hash(chat.value()));
        assertThat(IdHasher.withSaltOrRandom(Optional.of("salt-a")).hash(chat.value()))
                .isEqualTo(new IdHasher("salt-a").hash(chat.value()));
    }
}
