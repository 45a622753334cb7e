package dev.parley.application.chat;

import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.Personas;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

public final class StartChatService implements StartChatUseCase {
    private final Conversations conversations;
    private final Personas personas;
    private final IdGenerator ids;
    private final Clock clock;

    public StartChatService(Conversations conversations, Personas personas, IdGenerator ids, Clock clock) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.personas = Objects.requireNonNull(personas, "personas");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ChatSummary start(StartChatCommand command) {
        Persona persona = personas.find(command.personaId())
                .orElseThrow(() -> new ValidationException("personaId", ValidationException.Reason.UNKNOWN));
        Instant now = clock.instant();
        Chat chat = new Chat(new ChatId(ids.next()), command.caller(), persona.id(),
                command.title().orElse("Chat with " + persona.name()), now, now);
        conversations.create(chat);
        return new ChatSummary(chat, persona.name(), Optional.empty());
    }
}
