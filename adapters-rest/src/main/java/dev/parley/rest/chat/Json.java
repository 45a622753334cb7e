package dev.parley.rest.chat;

import dev.parley.application.chat.ChatTurn;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.retry.RetryMeta;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** The JSON shapes of the chat API (camelCase, ISO-8601 UTC times, UUID ids, absent fields omitted). */
public final class Json {
    private static final int PREVIEW_LENGTH = 120;

    private Json() {
    }

    public record StartChatRequest(String personaId, String title) {
    }

    public record SendMessageRequest(String content) {
    }

    public record MessageJson(UUID id, UUID chatId, String role, String content, String status, UUID replyTo,
            String errorCode, Instant createdAt) {
        static MessageJson of(Message m) {
            return new MessageJson(m.id().value(), m.chatId().value(), m.role().name().toLowerCase(Locale.ROOT),
                    m.content(), m.status().name().toLowerCase(Locale.ROOT),
                    m.replyTo().map(MessageId::value).orElse(null), m.errorCode().map(ErrorCode::name).orElse(null),
                    m.createdAt());
        }
    }

    /**
     * The data of a {@code typing} event: a turn of the chat started ({@code active}) or ended; an
     * ended turn that failed names its {@code errorCode}. {@code requestId} is the sending request's
     * id (a client that chose its {@code X-Request-Id} recognises its own turns).
     */
    public record TypingEvent(UUID chatId, boolean active, String requestId, String errorCode) {
    }

    public record MessagePreviewJson(String role, String content, String status, Instant createdAt) {
        static MessagePreviewJson of(Message m) {
            String text = m.content().replaceAll("\\s+", " ").strip();
            if (text.codePointCount(0, text.length()) > PREVIEW_LENGTH) {
                text = text.substring(0, text.offsetByCodePoints(0, PREVIEW_LENGTH)) + "…";
            }
            return new MessagePreviewJson(m.role().name().toLowerCase(Locale.ROOT), text,
                    m.status().name().toLowerCase(Locale.ROOT), m.createdAt());
        }
    }

    public record ChatJson(UUID id, UUID personaId, String personaName, String title, Instant createdAt,
            Instant lastActivityAt, MessagePreviewJson lastMessage) {
        static ChatJson of(ChatSummary s) {
            return new ChatJson(s.chat().id().value(), s.chat().personaId().value(), s.personaName(), s.chat().title(),
                    s.chat().createdAt(), s.chat().lastActivityAt(),
                    s.lastMessage().map(MessagePreviewJson::of).orElse(null));
        }
    }

    public record MessagePageJson(List<MessageJson> items, int offset, int limit, Integer nextOffset) {
    }

    /** What it took to get a reply: attempts, the waits between them, the chat's breaker state. */
    public record RetryMetaJson(int attempts, int retries, List<Long> backoffMs, long totalDurationMs,
            String breakerState) {
        public static RetryMetaJson of(RetryMeta meta) {
            return new RetryMetaJson(meta.attempts(), meta.retries(), meta.backoffMs(), meta.totalDurationMs(),
                    meta.breakerState().name());
        }
    }

    /** A streamed reply's {@code delta} event: the next piece of attempt {@code attempt}'s reply. */
    public record DeltaJson(int attempt, String text) {
    }

    /**
     * A streamed reply's {@code retrying} event: attempt {@code attempt} failed with {@code errorCode} (its
     * text is void) and the next one starts after {@code backoffMs}.
     */
    public record RetryingJson(int attempt, String errorCode, long backoffMs) {
    }

    /**
     * The success body of {@code POST /api/chats/{chatId}/messages}. {@code replayed} is present (true)
     * when the turn was completed earlier under the same idempotency key and nothing new was charged.
     */
    public record ChatGenerationSuccess(MessageJson userMessage, MessageJson assistantMessage, long tokensCharged,
            long tokenBalance, RetryMetaJson retryMeta, Boolean replayed) {
        static ChatGenerationSuccess of(ChatTurn turn) {
            return new ChatGenerationSuccess(MessageJson.of(turn.userMessage()), MessageJson.of(turn.assistantMessage()),
                    turn.tokensCharged(), turn.tokenBalance(), RetryMetaJson.of(turn.retryMeta()),
                    turn.replayed() ? Boolean.TRUE : null);
        }
    }
}
