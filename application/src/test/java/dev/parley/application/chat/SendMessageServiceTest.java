package dev.parley.application.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.application.fakes.DirectUnitOfWork;
import dev.parley.application.fakes.InMemoryConversations;
import dev.parley.application.fakes.InMemoryWallet;
import dev.parley.application.fakes.ScriptedGenerator;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.persona.Personas;
import dev.parley.domain.user.UserId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendMessageServiceTest {
    private static final Instant NOW = Instant.parse("2026-03-03T09:00:00Z");
    private static final UserId ALICE = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final UserId BOB = new UserId(UUID.fromString("00000000-0000-0000-0000-0000000000b0"));
    private static final Persona MIRA = new Persona(new PersonaId(UUID.randomUUID()), "Mira", "captain", "be a captain");

    private final InMemoryConversations conversations = new InMemoryConversations();
    private final InMemoryWallet wallet = new InMemoryWallet().with(ALICE, 5);
    private final ScriptedGenerator generator = new ScriptedGenerator();
    private final AtomicLong sequence = new AtomicLong();
    private final Personas personas = new Personas() {
        @Override
        public List<Persona> all() {
            return List.of(MIRA);
        }

        @Override
        public Optional<Persona> find(PersonaId id) {
            return Optional.of(MIRA).filter(p -> p.id().equals(id));
        }
    };
    private final Chat chat = new Chat(new ChatId(UUID.randomUUID()), ALICE, MIRA.id(), "t", NOW, NOW);

    private SendMessageService service() {
        conversations.create(chat);
        return new SendMessageService(conversations, personas, wallet, generator, new DirectUnitOfWork(),
                () -> new UUID(0, sequence.incrementAndGet()), Clock.fixed(NOW, ZoneOffset.UTC),
                new SendMessageService.Settings(1, 20));
    }

    private static SendMessageCommand say(UserId who, ChatId chatId, String text) {
        return new SendMessageCommand(who, chatId, text, Optional.of("key-" + text));
    }

    @Test
    void storesTheUserMessageAndTheReplyAndChargesOnce() {
        ChatTurn turn = service().send(say(ALICE, chat.id(), "hello")).toCompletableFuture().join();

        assertThat(turn.assistantMessage().content()).isEqualTo("re: hello");
        assertThat(turn.assistantMessage().replyTo()).contains(turn.userMessage().id());
        assertThat(turn.userMessage().status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(turn.tokensCharged()).isEqualTo(1);
        assertThat(turn.tokenBalance()).isEqualTo(4);
        assertThat(wallet.charges()).isEqualTo(1);
        assertThat(conversations.all()).extracting(Message::role, Message::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MessageRole.USER, MessageStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple(MessageRole.ASSISTANT, MessageStatus.COMPLETED));
    }

    @Test
    void theUserMessageIsStoredBeforeTheProviderIsAsked() {
        service().send(say(ALICE, chat.id(), "first")).toCompletableFuture().join();

        Message asked = generator.requests().get(0).userMessage();
        assertThat(generator.requests().get(0).history()).extracting(Message::id).contains(asked.id());
        assertThat(generator.requests().get(0).persona()).isEqualTo(MIRA);
    }

    @Test
    void aFailedGenerationKeepsTheUserMessageMarkedFailedAndChargesNothing() {
        generator.failingWith(new ParleyException(ErrorCode.AI_PROVIDER_UNAVAILABLE, "down"));

        assertThatThrownBy(() -> service().send(say(ALICE, chat.id(), "anyone?")).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(SendMessageFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
                    assertThat(e.chatId()).isEqualTo(chat.id());
                    assertThat(e.userMessageId()).isEqualTo(conversations.all().get(0).id());
                });
        assertThat(conversations.all()).singleElement().satisfies(m -> {
            assertThat(m.content()).isEqualTo("anyone?");
            assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(m.errorCode()).contains(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        });
        assertThat(wallet.balance(ALICE)).isEqualTo(5);
        assertThat(wallet.charges()).isZero();
    }

    @Test
    void anEmptyWalletFailsWithInsufficientTokensWithoutAskingTheProvider() {
        wallet.with(ALICE, 0);

        assertThatThrownBy(() -> service().send(say(ALICE, chat.id(), "free?")).toCompletableFuture().join())
                .cause()
                .isInstanceOfSatisfying(SendMessageFailedException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_TOKENS));
        assertThat(generator.requests()).isEmpty();
        assertThat(conversations.all()).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(MessageStatus.FAILED));
    }

    @Test
    void anotherUsersChatIsReportedAsNotFoundAndNothingIsStored() {
        SendMessageService service = service();
        assertThatThrownBy(() -> service.send(say(BOB, chat.id(), "let me in")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
        assertThatThrownBy(() -> service.send(say(ALICE, new ChatId(UUID.randomUUID()), "where?")))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
        assertThat(conversations.all()).isEmpty();
    }

    @Test
    void theCommandRefusesBlankOrOverlongContent() {
        assertThatThrownBy(() -> say(ALICE, chat.id(), "   "))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("content");
                    assertThat(e.reason()).isEqualTo(ValidationException.Reason.BLANK);
                });
        String tooLong = "x".repeat(SendMessageCommand.MAX_CONTENT_LENGTH + 1);
        assertThatThrownBy(() -> new SendMessageCommand(ALICE, chat.id(), tooLong, Optional.empty()))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ValidationException.Reason.TOO_LONG);
                    assertThat(e.limit()).isEqualTo(SendMessageCommand.MAX_CONTENT_LENGTH);
                });
        assertThatThrownBy(() -> new SendMessageCommand(ALICE, chat.id(), null, Optional.empty()))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.reason()).isEqualTo(ValidationException.Reason.REQUIRED));
        // exactly at the limit, counted in code points (a CJK text of 4000 characters is fine)
        assertThat(new SendMessageCommand(ALICE, chat.id(), "好".repeat(SendMessageCommand.MAX_CONTENT_LENGTH),
                Optional.empty()).content()).hasSize(SendMessageCommand.MAX_CONTENT_LENGTH);
    }
}
