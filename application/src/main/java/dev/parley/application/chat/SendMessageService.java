package dev.parley.application.chat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.Personas;
import dev.parley.domain.token.TokenWallet;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The send-a-message use case (DESIGN §4): validate, store the user message first, check the
 * balance, generate, then store the reply and charge for it in one transaction. A failure after the
 * user message is stored marks it failed and charges nothing.
 */
public final class SendMessageService implements SendMessageUseCase {
    /** The settings of the use case. */
    public record Settings(long costPerReply, int historyLimit) {
        public Settings {
            if (costPerReply < 1) {
                throw new IllegalArgumentException("costPerReply must be at least 1");
            }
            if (historyLimit < 1) {
                throw new IllegalArgumentException("historyLimit must be at least 1");
            }
        }
    }

    private final Conversations conversations;
    private final Personas personas;
    private final TokenWallet wallet;
    private final ReplyGenerator generator;
    private final UnitOfWork unitOfWork;
    private final IdGenerator ids;
    private final Clock clock;
    private final Settings settings;

    public SendMessageService(Conversations conversations, Personas personas, TokenWallet wallet,
            ReplyGenerator generator, UnitOfWork unitOfWork, IdGenerator ids, Clock clock, Settings settings) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.personas = Objects.requireNonNull(personas, "personas");
        this.wallet = Objects.requireNonNull(wallet, "wallet");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.unitOfWork = Objects.requireNonNull(unitOfWork, "unitOfWork");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public CompletionStage<ChatTurn> send(SendMessageCommand command) {
        Chat chat = ChatAccess.ownedChat(conversations, command.chatId(), command.caller());
        Persona persona = personas.find(chat.personaId())
                .orElseThrow(() -> new ParleyException(ErrorCode.INTERNAL_ERROR, "chat without persona"));

        Message userMessage = Message.userMessage(new MessageId(ids.next()), chat.id(), command.content(),
                command.idempotencyKey(), clock.instant());
        conversations.append(userMessage);

        try {
            if (wallet.balance(command.caller()) < settings.costPerReply()) {
                throw new ParleyException(ErrorCode.INSUFFICIENT_TOKENS, "balance lower than the cost of a reply");
            }
            List<Message> history = conversations.recentMessages(chat.id(), settings.historyLimit());
            return generator.generate(new GenerationRequest(chat.id(), persona, history, userMessage))
                    .handle((reply, error) -> {
                        if (error != null) {
                            throw fail(userMessage, unwrap(error));
                        }
                        return complete(command, userMessage, reply);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(fail(userMessage, unwrap(e)));
        }
    }

    private ChatTurn complete(SendMessageCommand command, Message userMessage, GeneratedReply reply) {
        try {
            return unitOfWork.inTransaction(() -> {
                Message answer = Message.assistantReply(new MessageId(ids.next()), userMessage, reply.content(),
                        clock.instant());
                conversations.append(answer);
                long balance = wallet.charge(command.caller(), answer.id(), settings.costPerReply());
                conversations.markUserMessage(userMessage.id(), MessageStatus.COMPLETED, Optional.empty(),
                        answer.createdAt());
                return new ChatTurn(userMessage.withStatus(MessageStatus.COMPLETED, Optional.empty()), answer,
                        settings.costPerReply(), balance);
            });
        } catch (RuntimeException e) {
            throw fail(userMessage, unwrap(e));
        }
    }

    /**
     * Marks the stored user message failed (it stays, for a retry) and builds the failure. Marking
     * is best effort: when the database itself is the failure, the message stays pending and the
     * client still gets the original error.
     */
    private SendMessageFailedException fail(Message userMessage, ParleyException cause) {
        try {
            conversations.markUserMessage(userMessage.id(), MessageStatus.FAILED, Optional.of(cause.code()),
                    clock.instant());
        } catch (RuntimeException markingFailed) {
            cause.addSuppressed(markingFailed);
        }
        return new SendMessageFailedException(cause, userMessage.chatId(), userMessage.id());
    }

    private static ParleyException unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ParleyException parley) {
            return parley;
        }
        return new ParleyException(ErrorCode.INTERNAL_ERROR, "generation failed unexpectedly", null, cause);
    }
}
