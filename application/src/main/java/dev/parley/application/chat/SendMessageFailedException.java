package dev.parley.application.chat;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.retry.RetryMeta;
import java.util.Objects;
import java.util.Optional;

/**
 * A turn that could not be completed after its user message was stored: the message is kept (marked
 * failed, or still being answered for {@code REQUEST_IN_PROGRESS}) and nothing was charged. Carries
 * the ids a client needs to retry, and the attempts made when generation was tried.
 */
public final class SendMessageFailedException extends ParleyException {
    private static final long serialVersionUID = 1L;

    private final ChatId chatId;
    private final MessageId userMessageId;
    private final transient RetryMeta retryMeta;

    public SendMessageFailedException(ParleyException cause, ChatId chatId, MessageId userMessageId,
            RetryMeta retryMeta) {
        super(cause.code(), cause.getMessage(), cause.retryAfter().orElse(null), cause);
        this.chatId = Objects.requireNonNull(chatId, "chatId");
        this.userMessageId = Objects.requireNonNull(userMessageId, "userMessageId");
        this.retryMeta = retryMeta;
    }

    /**
     * REQUEST_IN_PROGRESS for the turn of {@code userMessageId}: it is still being answered; a retry
     * with the same key after {@code Retry-After} gets its outcome.
     */
    public static SendMessageFailedException inProgress(ChatId chatId, MessageId userMessageId) {
        return new SendMessageFailedException(new ParleyException(ErrorCode.REQUEST_IN_PROGRESS,
                "the same turn is being answered", TurnOutcomes.IN_PROGRESS_RETRY_AFTER), chatId, userMessageId, null);
    }

    public ChatId chatId() {
        return chatId;
    }

    public MessageId userMessageId() {
        return userMessageId;
    }

    /** The attempts made, when generation was tried at all. */
    public Optional<RetryMeta> retryMeta() {
        return Optional.ofNullable(retryMeta);
    }
}
