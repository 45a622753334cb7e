package dev.parley.application.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.error.ValidationException.Reason;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The commands refuse text PostgreSQL or people cannot handle, naming the field (issue #13, point 2). */
class CleanInputTest {
    private static final UserId CALLER = new UserId(UUID.randomUUID());
    private static final ChatId CHAT = new ChatId(UUID.randomUUID());

    private static SendMessageCommand send(String content, String key) {
        return new SendMessageCommand(CALLER, CHAT, content, Optional.ofNullable(key));
    }

    private static ValidationException refused(Executable action) {
        return catchThrowableOfType(() -> {
            try {
                action.execute();
            } catch (Throwable t) {
                throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
            }
        }, ValidationException.class);
    }

    @Test
    void contentWithNulOrAnotherControlCharacterIsRefusedNamingTheField() {
        for (String bad : new String[] {"hi\u0000there", "bell\u0007", "esc\u001B[31m", "del\u007F", "c1\u0085"}) {
            ValidationException e = refused(() -> send(bad, null));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.field()).isEqualTo("content");
            assertThat(e.reason()).isEqualTo(Reason.INVALID_CHARACTERS);
        }
    }

    @Test
    void contentWithAnUnpairedSurrogateIsRefused() {
        assertThat(refused(() -> send("broken \uD83D text", null)).reason()).isEqualTo(Reason.INVALID_CHARACTERS);
        assertThat(refused(() -> send("\uDE80", null)).field()).isEqualTo("content");
    }

    @Test
    void contentKeepsTabsLineBreaksEmojiAndChinese() {
        assertThatCode(() -> send("line one\r\nline two\tand 🚀 你好", null)).doesNotThrowAnyException();
    }

    @Test
    void idempotencyKeysAreOneTo255PrintableAsciiCharacters() {
        assertThat(send("hi", "k".repeat(255)).idempotencyKey()).contains("k".repeat(255));
        assertThat(send("hi", "  spaced key ~!  ").idempotencyKey()).contains("spaced key ~!");
        assertThat(refused(() -> send("hi", "k".repeat(256))).reason()).isEqualTo(Reason.TOO_LONG);
        assertThat(refused(() -> send("hi", "   ")).reason()).isEqualTo(Reason.BLANK);
        for (String bad : new String[] {"key\u0000", "ключ", "tab\tkey", "del\u007F", "emoji🚀"}) {
            ValidationException e = refused(() -> send("hi", bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.field()).isEqualTo("Idempotency-Key");
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        }
    }

    @Test
    void titlesAreOneLineOfCleanText() {
        PersonaId persona = new PersonaId(UUID.randomUUID());
        assertThat(new StartChatCommand(CALLER, persona, Optional.of("Voyage 🚀 航行")).title()).contains("Voyage 🚀 航行");
        for (String bad : new String[] {"a\u0000b", "two\nlines", "tab\there", "\uD800"}) {
            ValidationException e = refused(() -> new StartChatCommand(CALLER, persona, Optional.of(bad)));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.field()).isEqualTo("title");
            assertThat(e.reason()).isEqualTo(Reason.INVALID_CHARACTERS);
        }
    }
}
