package dev.parley.application.chat;

import dev.parley.application.common.Require;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.user.UserId;
import java.util.Optional;

/**
 * Send {@code content} (not blank, at most {@value #MAX_CONTENT_LENGTH} characters) to a chat,
 * optionally under the client's idempotency key (at most {@value #MAX_KEY_LENGTH} characters). The
 * {@code requestId} correlates telemetry of this request; it never reaches the provider.
 */
public record SendMessageCommand(UserId caller, ChatId chatId, String content, Optional<String> idempotencyKey,
        String requestId) {
    public static final int MAX_CONTENT_LENGTH = 4000;
    public static final int MAX_KEY_LENGTH = 200;

    public SendMessageCommand {
        Require.present(caller, "caller");
        Require.present(chatId, "chatId");
        Require.text(content, "content", MAX_CONTENT_LENGTH);
        Require.present(idempotencyKey, "idempotencyKey");
        idempotencyKey = idempotencyKey.map(String::strip);
        idempotencyKey.ifPresent(k -> Require.text(k, "Idempotency-Key", MAX_KEY_LENGTH));
        requestId = requestId == null ? "-" : requestId;
    }

    public SendMessageCommand(UserId caller, ChatId chatId, String content, Optional<String> idempotencyKey) {
        this(caller, chatId, content, idempotencyKey, null);
    }
}
