package dev.parley.ai.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LocalReplyComposerTest {
    private static final Persona CAPTAIN = new Persona(new PersonaId(UUID.randomUUID()), "Captain Mira", "captain",
            "You are Captain Mira, the cheerful captain of the starship Parley. Speak with nautical bravado.");
    private static final Persona PROFESSOR = new Persona(new PersonaId(UUID.randomUUID()), "Professor Lin", "prof",
            "You are Professor Lin, a patient university professor. Explain things calmly and step by step.");

    private final LocalReplyComposer composer = new LocalReplyComposer();

    private static GenerationRequest ask(Persona persona, String text) {
        ChatId chat = new ChatId(UUID.randomUUID());
        Message m = Message.userMessage(new MessageId(UUID.randomUUID()), chat, text, Optional.empty(), Instant.EPOCH);
        return new GenerationRequest(chat, persona, List.of(m), m);
    }

    @Test
    void theSameQuestionGetsTheSameReply() {
        assertThat(composer.compose(ask(CAPTAIN, "How do I learn Java?")).content())
                .isEqualTo(composer.compose(ask(CAPTAIN, "How do I learn Java?")).content());
    }

    @Test
    void eachPersonaSpeaksInItsOwnVoiceAndQuotesTheUser() {
        String captain = composer.compose(ask(CAPTAIN, "How do I learn Java?")).content();
        String professor = composer.compose(ask(PROFESSOR, "How do I learn Java?")).content();

        assertThat(captain).startsWith("Captain Mira: ").contains("crewmate").contains("\"How do I learn Java?\"");
        assertThat(professor).startsWith("Professor Lin: ").endsWith("?").doesNotContain("crewmate");
        assertThat(composer.compose(ask(CAPTAIN, "x")).model()).isEqualTo(LocalReplyComposer.MODEL);
    }

    @Test
    void answersChineseInChineseAndShortensLongQuotes() {
        assertThat(composer.compose(ask(PROFESSOR, "你好，教授")).content()).startsWith("Professor Lin：")
                .contains("「你好，教授」");
        String longText = "word ".repeat(100);
        assertThat(composer.compose(ask(CAPTAIN, longText)).content()).contains("…\"").hasSizeLessThan(300);
    }

    @Test
    void evenAPersonaWithAnEndlessNameGetsAReplyWithinTheMessageLimit() {
        Persona verbose = new Persona(new PersonaId(UUID.randomUUID()), "🚀".repeat(Message.MAX_CONTENT_LENGTH), "x",
                "You are a captain.");

        String reply = composer.compose(ask(verbose, "hello")).content();

        assertThat(reply.codePointCount(0, reply.length())).isEqualTo(Message.MAX_CONTENT_LENGTH);
        assertThat(reply).endsWith("🚀" + GeneratedReply.CUT_MARK);
    }
}
