package dev.parley.application.chat;

import dev.parley.application.common.Require;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.text.TextPolicy;
import dev.parley.domain.user.UserId;
import java.util.Optional;

/**
 * Send {@code content} (not blank, at most {@value #MAX_CONTENT_LENGTH} characters, no control
 * character but tab, CR and LF, no unpaired surrogate) to a chat, optionally under the client's
 * idempotency key (1–{@value #MAX_KEY_LENGTH} printable ASCII characters, surrounding spaces
 * dropped). The
 * {@code requestId} correlates telemetry of this request; it never reaches the provider.
 */
public record SendMessageCommand(UserId caller, ChatId chatId, String content, Optional<String> idempotencyKey,
        String requestId) {
    /** The message limit ({@link Message#MAX_CONTENT_LENGTH}), which replies obey too. */
    public static final int MAX_CONTENT_LENGTH = Message.MAX_CONTENT_LENGTH;
    public static final int MAX_KEY_LENGTH = 255;

    public SendMessageCommand {
        Require.present(caller, "caller");
        Require.present(chatId, "chatId");
        Require.cleanText(content, "content", MAX_CONTENT_LENGTH, TextPolicy.Lines.MULTI_LINE);
        Require.present(idempotencyKey, "idempotencyKey");
        idempotencyKey = idempotencyKey.map(k -> k.strip());
        idempotencyKey.ifPresent(k -> Require.printableAscii(k, "Idempotency-Key", MAX_KEY_LENGTH));
        requestId = requestId == null ? "-" : requestId;
    }

    public SendMessageCommand(UserId caller, ChatId chatId, String content, Optional<String> idempotencyKey) {
        this(caller, chatId, content, idempotencyKey, null);
    }
}
