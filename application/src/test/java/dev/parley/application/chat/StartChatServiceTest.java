package dev.parley.application.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.application.fakes.InMemoryConversations;
import dev.parley.application.fakes.InMemoryPersonas;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatSummary;
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
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StartChatServiceTest {
    private static final Instant NOW = Instant.parse("2026-03-03T09:00:00Z");
    private static final UserId ALICE = new UserId(UUID.randomUUID());
    private static final Persona LIN = new Persona(new PersonaId(UUID.randomUUID()), "Lin", "prof", "be a professor");

    private final InMemoryConversations conversations = new InMemoryConversations();
    private final Personas personas = new InMemoryPersonas(LIN);
    private final StartChatService service = new StartChatService(conversations, personas, UUID::randomUUID,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void startsAChatTitledAfterThePersonaUnlessATitleIsGiven() {
        Chat untitled = service.start(new StartChatCommand(ALICE, LIN.id(), Optional.of("   "))).chat();
        Chat titled = service.start(new StartChatCommand(ALICE, LIN.id(), Optional.of("  Homework "))).chat();

        assertThat(untitled.title()).isEqualTo("Chat with Lin");
        assertThat(titled.title()).isEqualTo("Homework");
        assertThat(untitled.createdAt()).isEqualTo(NOW);
        assertThat(new ListChatsService(conversations).list(ALICE)).extracting(ChatSummary::chat)
                .containsExactlyInAnyOrder(untitled, titled);
    }

    @Test
    void anUnknownPersonaIsAValidationFailureOnPersonaId() {
        assertThatThrownBy(() -> service.start(new StartChatCommand(ALICE, new PersonaId(UUID.randomUUID()),
                Optional.empty())))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("personaId");
                    assertThat(e.reason()).isEqualTo(ValidationException.Reason.UNKNOWN);
                });
    }

    @Test
    void messagesOfAChatAreOnlyReadableByItsOwner() {
        Chat chat = service.start(new StartChatCommand(ALICE, LIN.id(), Optional.empty())).chat();
        ReadMessagesService read = new ReadMessagesService(conversations);

        assertThat(read.read(new ReadMessagesQuery(ALICE, chat.id(), 0, 10))).isEmpty();
        assertThatThrownBy(() -> read.read(new ReadMessagesQuery(new UserId(UUID.randomUUID()), chat.id(), 0, 10)))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
        assertThatThrownBy(() -> new ReadMessagesQuery(ALICE, chat.id(), 0, ReadMessagesQuery.MAX_LIMIT + 1))
                .isInstanceOf(ValidationException.class);
    }
}
