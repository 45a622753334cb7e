package dev.parley.rest.chat;

import dev.parley.application.chat.SendMessageFailedException;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import java.time.Duration;

/**
 * What a send answers when the server stops waiting for its turn ({@link SendDeadlines}):
 * the turn is still being answered on the server, so the answer is REQUEST_IN_PROGRESS (409,
 * retryable, {@code Retry-After: 1}) with the user message's id once it is stored; a retry with the
 * same key gets the turn's outcome. Never a bare 503 or 500.
 */
final class SendTimeout {
    private SendTimeout() {
    }

    /** The failure to answer with; {@code userMessageId} is null if the message was not stored yet. */
    static ParleyException stillAnswering(ChatId chatId, MessageId userMessageId) {
        return userMessageId == null
                ? new ParleyException(ErrorCode.REQUEST_IN_PROGRESS, "the turn is still being answered",
                        Duration.ofSeconds(1))
                : SendMessageFailedException.inProgress(chatId, userMessageId);
    }
}
