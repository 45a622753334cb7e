package dev.parley.domain.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GenerationRequestTest {
    private static final ChatId CHAT = new ChatId(UUID.randomUUID());
    private static final Persona MIRA = new Persona(new PersonaId(UUID.randomUUID()), "Mira", "captain", "be a captain");
    private static final Message QUESTION = Message.userMessage(new MessageId(UUID.randomUUID()), CHAT, "Where to?",
            Optional.empty(), Instant.EPOCH);

    @Test
    void aRequestHasNoDeadlineUntilAnAttemptIsGivenItsTimeLeft() {
        GenerationRequest request = new GenerationRequest(CHAT, MIRA, List.of(QUESTION), QUESTION, Optional.of("req-1"));

        GenerationRequest timed = request.within(Duration.ofMillis(4200));

        assertThat(request.timeLeft()).isEmpty();
        assertThat(timed.timeLeft()).contains(Duration.ofMillis(4200));
        assertThat(timed).usingRecursiveComparison().ignoringFields("timeLeft").isEqualTo(request);
        assertThat(timed.within(Duration.ZERO).timeLeft()).as("none left: cut off at once").contains(Duration.ZERO);
    }

    @Test
    void aNegativeTimeLeftIsRefused() {
        GenerationRequest request = new GenerationRequest(CHAT, MIRA, List.of(QUESTION), QUESTION);

        assertThatThrownBy(() -> request.within(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeLeft must not be negative");
        assertThatThrownBy(() -> request.within(null)).isInstanceOf(NullPointerException.class);
    }
}
