package dev.parley.ai.testing;

import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.MessageStatus;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A test-data builder of generation requests: a persona, earlier turns, and the message being answered. */
public final class Requests {
    public static final Persona CAPTAIN = new Persona(new PersonaId(UUID.fromString("00000000-0000-4000-8000-00000000a001")),
            "Captain Mira", "captain", "You are Captain Mira, the cheerful captain of the starship Parley.");

    private ChatId chatId = new ChatId(UUID.randomUUID());
    private Persona persona = CAPTAIN;
    private final List<Message> history = new ArrayList<>();
    private Optional<String> requestId = Optional.empty();
    private int clock;

    private Requests() {
    }

    public static Requests aRequest() {
        return new Requests();
    }

    public Requests inChat(ChatId id) {
        this.chatId = id;
        return this;
    }

    /** The id of the client request the generation serves. */
    public Requests forRequest(String id) {
        this.requestId = Optional.of(id);
        return this;
    }

    public Requests by(Persona p) {
        this.persona = p;
        return this;
    }

    public Requests user(String content) {
        history.add(message(MessageRole.USER, content));
        return this;
    }

    public Requests assistant(String content) {
        history.add(message(MessageRole.ASSISTANT, content));
        return this;
    }

    /** The request answering {@code content}, which is appended to the history as the newest message. */
    public GenerationRequest asking(String content) {
        Message question = message(MessageRole.USER, content);
        List<Message> all = new ArrayList<>(history);
        all.add(question);
        return new GenerationRequest(chatId, persona, all, question, requestId);
    }

    private Message message(MessageRole role, String content) {
        return new Message(new MessageId(UUID.randomUUID()), chatId, role, content,
                MessageStatus.COMPLETED, Optional.empty(),
                Optional.empty(), Optional.empty(), Instant.EPOCH.plusSeconds(clock++));
    }
}
