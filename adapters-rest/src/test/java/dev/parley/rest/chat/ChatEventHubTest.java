package dev.parley.rest.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.error.ErrorCode;
import dev.parley.rest.chat.Json.MessageJson;
import dev.parley.rest.chat.Json.TypingEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The {@link dev.parley.application.chat.TurnEvents} the use case reports, as the SSE events a browser gets. */
class ChatEventHubTest {
    private static final Instant AT = Instant.parse("2026-03-03T09:00:00Z");
    private static final ChatId CHAT = new ChatId(UUID.randomUUID());

    /** What the hub would write to the chat's streams: event name and JSON payload. */
    private record Published(ChatId chatId, String name, Object payload) {
    }

    private final List<Published> published = new ArrayList<>();
    private final ChatEventHub hub = new ChatEventHub() {
        @Override
        void publish(ChatId chatId, String name, Object payload) {
            published.add(new Published(chatId, name, payload));
        }
    };

    private static Message userMessage() {
        return Message.userMessage(new MessageId(UUID.randomUUID()), CHAT, "Report, helmsman!", Optional.empty(), AT);
    }

    @Test
    void aStartedGenerationIsAnActiveTypingEventWithTheRequestId() {
        hub.generationStarted(CHAT, "req-1");

        assertThat(published).containsExactly(
                new Published(CHAT, "typing", new TypingEvent(CHAT.value(), true, "req-1", null)));
    }

    @Test
    void anEndedGenerationIsAnInactiveTypingEventNamingTheFailureIfAny() {
        hub.generationEnded(CHAT, "req-1", Optional.empty());
        hub.generationEnded(CHAT, "req-2", Optional.of(ErrorCode.AI_BAD_RESPONSE));

        assertThat(published).containsExactly(
                new Published(CHAT, "typing", new TypingEvent(CHAT.value(), false, "req-1", null)),
                new Published(CHAT, "typing", new TypingEvent(CHAT.value(), false, "req-2", "AI_BAD_RESPONSE")));
    }

    @Test
    void aChangedMessageIsAMessageEventShapedLikeTheRestApisMessages() {
        Message user = userMessage().withStatus(MessageStatus.COMPLETED, Optional.empty());
        Message reply = Message.assistantReply(new MessageId(UUID.randomUUID()), user, "Aye, captain.", AT);

        hub.messageChanged(user);
        hub.messageChanged(reply);

        assertThat(published).containsExactly(
                new Published(CHAT, "message", MessageJson.of(user)),
                new Published(CHAT, "message", MessageJson.of(reply)));
        MessageJson replyJson = (MessageJson) published.get(1).payload();
        assertThat(replyJson.role()).isEqualTo("assistant");
        assertThat(replyJson.status()).isEqualTo("completed");
        assertThat(replyJson.replyTo()).isEqualTo(user.id().value());
    }

    @Test
    void aFailedUserMessageCarriesItsStatusAndCode() {
        Message failed = userMessage().withStatus(MessageStatus.FAILED, Optional.of(ErrorCode.AI_PROVIDER_TIMEOUT));

        hub.messageChanged(failed);

        MessageJson json = (MessageJson) published.get(0).payload();
        assertThat(json.id()).isEqualTo(failed.id().value());
        assertThat(json.chatId()).isEqualTo(CHAT.value());
        assertThat(json.role()).isEqualTo("user");
        assertThat(json.status()).isEqualTo("failed");
        assertThat(json.errorCode()).isEqualTo("AI_PROVIDER_TIMEOUT");
        assertThat(json.content()).isEqualTo("Report, helmsman!");
    }

    @Test
    void publishingToAChatNobodyWatchesDoesNothingAndNeverThrows() {
        ChatEventHub unstarted = new ChatEventHub(); // no JSON-B, no executor: only safe if nothing is written

        assertThatCode(() -> {
            unstarted.generationStarted(CHAT, "req-1");
            unstarted.messageChanged(userMessage());
            unstarted.generationEnded(CHAT, "req-1", Optional.of(ErrorCode.INTERNAL_ERROR));
        }).doesNotThrowAnyException();
        assertThat(unstarted.streams(CHAT)).isZero();
    }
}
