package dev.parley.rest.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.MessageId;
import dev.parley.rest.problem.DomainProblems;
import dev.parley.rest.problem.Problem;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SendTimeoutTest {
    private final ChatId chat = new ChatId(UUID.randomUUID());

    @Test
    void aSendTheServerStopsWaitingForIsARetryableProblemNamingTheUserMessage() {
        MessageId userMessage = new MessageId(UUID.randomUUID());

        Problem problem = DomainProblems.of(SendTimeout.stillAnswering(chat, userMessage), Locale.ENGLISH);

        assertThat(problem.code()).isEqualTo("REQUEST_IN_PROGRESS");
        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.retryable()).isTrue();
        assertThat(problem.retryAfterSeconds()).isEqualTo(1);
        assertThat(problem.extensions()).containsEntry("userMessageId", userMessage.value())
                .containsEntry("chatId", chat.value());
    }

    @Test
    void beforeTheMessageIsStoredItIsStillRetryable() {
        Problem problem = DomainProblems.of(SendTimeout.stillAnswering(chat, null), Locale.ENGLISH);

        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.retryable()).isTrue();
        assertThat(problem.extensions()).doesNotContainKey("userMessageId");
    }
}
